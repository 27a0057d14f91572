package io.gatehouse.tenancy;

import java.util.Arrays;
import java.util.Optional;

/**
 * An org's logo as uploaded: a PNG or JPEG of at most {@link #MAX_BYTES}, checked by {@link LogoCheck}.
 * SVG is refused: it can carry scripts and links, and a logo needs none of that.
 */
public record Logo(Type type, byte[] bytes, String sha256) {
    public static final int MAX_BYTES = 256 * 1024;
    /** Neither side longer: a logo is shown at 48 px; a huge canvas would only cost browsers memory. */
    public static final int MAX_SIDE = 2048;

    public Logo {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Logo other && type == other.type && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Logo[" + type.mediaType() + ", " + bytes.length + " bytes, sha256 " + sha256 + "]";
    }

    /** The image formats a logo may have, each with the bytes its files start with. */
    public enum Type {
        PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "png"),
        JPEG("image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, "jpeg");

        private final String mediaType;
        private final byte[] magic;
        private final String imageIoFormat;

        Type(String mediaType, byte[] magic, String imageIoFormat) {
            this.mediaType = mediaType;
            this.magic = magic;
            this.imageIoFormat = imageIoFormat;
        }

        public String mediaType() {
            return mediaType;
        }

        String imageIoFormat() {
            return imageIoFormat;
        }

        boolean startsWithMagic(byte[] bytes) {
            return bytes.length >= magic.length && Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length);
        }

        /** The type for a Content-Type header's media type (parameters ignored). */
        public static Optional<Type> ofMediaType(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            String bare = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            return Arrays.stream(values()).filter(t -> t.mediaType.equals(bare)).findFirst();
        }
    }
}
