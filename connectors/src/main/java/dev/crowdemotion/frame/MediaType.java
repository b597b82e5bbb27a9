package dev.crowdemotion.frame;

/**
 * Image encodings a camera may send, identified by their IANA media type.
 * Only the two formats Amazon Rekognition accepts are allowed.
 */
public enum MediaType {
    JPEG("image/jpeg"),
    PNG("image/png");

    private final String mime;

    MediaType(String mime) {
        this.mime = mime;
    }

    /** The IANA media type string, e.g. {@code image/jpeg}. */
    public String mime() {
        return mime;
    }

    /**
     * Parses an IANA media type string (case-insensitive, parameters ignored).
     *
     * @throws IllegalArgumentException if the type is neither JPEG nor PNG
     */
    public static MediaType fromMime(String mime) {
        if (mime != null) {
            String bare = mime.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
            for (MediaType t : values()) {
                if (t.mime.equals(bare)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unsupported media type: " + mime);
    }

    /**
     * Detects the encoding from the image's magic bytes (JPEG: {@code FF D8 FF}, PNG:
     * {@code 89 50 4E 47 0D 0A 1A 0A}).
     *
     * @return the detected type, or {@code null} if the bytes are neither
     */
    public static MediaType sniff(byte[] image) {
        if (image == null) {
            return null;
        }
        if (image.length >= 3 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8
                && (image[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        if (image.length >= png.length) {
            for (int i = 0; i < png.length; i++) {
                if (image[i] != png[i]) {
                    return null;
                }
            }
            return PNG;
        }
        return null;
    }
}
