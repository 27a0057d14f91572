package io.gatehouse.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.imageio.ImageIO;

/** Real images for logo uploads, drawn and encoded per run by the JDK's ImageIO. */
public final class TestImages {
    private TestImages() {
    }

    /** A small logo-like PNG: a coloured square with a stripe. */
    public static byte[] png(int width, int height) {
        return encode(drawn(width, height), "png");
    }

    public static byte[] jpeg(int width, int height) {
        return encode(drawn(width, height), "jpeg");
    }

    /** A PNG of random noise (it does not compress): about 3 bytes per pixel. */
    public static byte[] noisyPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        return encode(image, "png");
    }

    /** An SVG with a script: what a logo must never be. */
    public static byte[] scriptedSvg() {
        return ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" onload=\"alert(document.cookie)\">"
                + "<script>alert(1)</script><rect width=\"10\" height=\"10\"/></svg>").getBytes(StandardCharsets.UTF_8);
    }

    private static BufferedImage drawn(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x0f, 0x76, 0x6e));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(width / 4, height / 3, width / 2, Math.max(1, height / 3));
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
