package dev.crowdemotion.vision;

/** Bytes that are not a decodable JPEG or PNG image. */
public class ImageDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
