package io.gatehouse.tenancy;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns an uploaded body into a {@link Logo}, or refuses it: a declared PNG or JPEG media type (SVG
 * and everything else 415), at most 256 KiB, bytes that really are that format, and a size the image
 * header states within {@link Logo#MAX_SIDE}. The pixels are never decoded here: only the header is
 * read, so a small file that claims a vast canvas costs nothing.
 */
public final class LogoCheck {
    private LogoCheck() {
    }

    public static Logo check(String contentType, byte[] body) {
        Optional<Logo.Type> type = Logo.Type.ofMediaType(contentType);
        if (type.isEmpty()) {
            boolean svg = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("svg");
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, svg
                    ? "SVG logos are not accepted (an SVG can carry scripts): upload a PNG or JPEG"
                    : "A logo is uploaded as image/png or image/jpeg");
        }
        if (body.length == 0) {
            throw refused("empty", "the body is empty: send the image's bytes");
        }
        if (body.length > Logo.MAX_BYTES) {
            throw refused("too_large", "is " + body.length + " bytes; a logo may have at most " + Logo.MAX_BYTES
                    + " bytes (256 KiB)");
        }
        if (!type.get().startsWithMagic(body)) {
            throw refused("not_" + type.get().name().toLowerCase(Locale.ROOT),
                    "the bytes are not a " + type.get().name() + " image, as the Content-Type says");
        }
        int[] size = dimensions(type.get(), body);
        if (size[0] < 1 || size[1] < 1 || size[0] > Logo.MAX_SIDE || size[1] > Logo.MAX_SIDE) {
            throw refused("dimensions", "is " + size[0] + "x" + size[1] + " pixels; each side must be 1 to "
                    + Logo.MAX_SIDE);
        }
        return new Logo(type.get(), body, Sha256.hex(body));
    }

    private static int[] dimensions(Logo.Type type, byte[] body) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(body))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type.imageIoFormat());
            if (in == null || !readers.hasNext()) {
                throw refused("unreadable", "the image could not be read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw refused("unreadable", "the image's header could not be read");
        }
    }

    private static ProblemException refused(String code, String message) {
        return ProblemException.validation(List.of(new FieldError("logo", code, message)));
    }
}
