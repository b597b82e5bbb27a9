package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;

/** STUB: signatures fixed, bodies to be implemented. Image decoding, cropping and encoding. */
public final class Images {
    private Images() {}

    /**
     * Decodes JPEG or PNG bytes to a TYPE_3BYTE_BGR (or TYPE_INT_RGB) image.
     *
     * @throws ImageDecodeException if the bytes are not a decodable JPEG/PNG (truncated, empty, other formats)
     */
    public static BufferedImage decode(byte[] bytes) throws ImageDecodeException {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Crops {@code box} grown by {@code margin} (fraction of the box size added on every side, e.g.
     * 0.25), clamped to the image. Returns a new image (not a view sharing the raster).
     */
    public static BufferedImage crop(BufferedImage image, FaceBox box, float margin) {
        throw new UnsupportedOperationException("stub");
    }

    /** Encodes as baseline JPEG at {@code quality} in (0, 1]. */
    public static byte[] encodeJpeg(BufferedImage image, float quality) {
        throw new UnsupportedOperationException("stub");
    }
}
