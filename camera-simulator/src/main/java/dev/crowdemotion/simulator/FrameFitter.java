package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;

/**
 * Keeps images within the Kinesis record limit. A record is data plus partition key, at most
 * {@link FrameCodec#MAX_RECORD_BYTES} (1 MiB); the frame envelope and camera id take well under
 * 1 KiB, so an image may use {@link #MAX_IMAGE_BYTES}. Larger images are first recompressed as JPEG
 * at lower qualities, then downscaled in steps of 0.8 until they fit; every such reduction is
 * logged. Stateless and thread-safe.
 */
public final class FrameFitter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameFitter.class);

    /** Image bytes allowed per frame: 1 MiB minus 1 KiB for the envelope header and partition key. */
    public static final int MAX_IMAGE_BYTES = FrameCodec.MAX_RECORD_BYTES - 1024;
    private static final float[] FALLBACK_QUALITIES = {0.75f, 0.6f, 0.45f};
    private static final float DOWNSCALE_STEP = 0.8f;

    private FrameFitter() {}

    /** An encoded image. */
    public static final class Encoded {
        private final MediaType mediaType;
        private final byte[] bytes;
        private final int width;
        private final int height;
        private final boolean reduced;

        Encoded(MediaType mediaType, byte[] bytes, int width, int height, boolean reduced) {
            this.mediaType = mediaType;
            this.bytes = bytes;
            this.width = width;
            this.height = height;
            this.reduced = reduced;
        }

        public MediaType mediaType() { return mediaType; }
        /** The encoded bytes; not copied. */
        public byte[] bytes() { return bytes; }
        public int width() { return width; }
        public int height() { return height; }
        /** Whether quality or size had to be reduced to fit. */
        public boolean reduced() { return reduced; }
    }

    /**
     * Encodes {@code image} as JPEG at {@code quality}, reducing quality and then size until it fits
     * in {@code maxBytes}.
     *
     * @param what names the image in the log line written when it had to be reduced
     */
    public static Encoded encodeJpeg(BufferedImage image, float quality, int maxBytes, String what) {
        byte[] jpeg = Images.encodeJpeg(image, quality);
        if (jpeg.length <= maxBytes) {
            return new Encoded(MediaType.JPEG, jpeg, image.getWidth(), image.getHeight(), false);
        }
        int original = jpeg.length;
        for (float q : FALLBACK_QUALITIES) {
            if (q >= quality) continue;
            jpeg = Images.encodeJpeg(image, q);
            if (jpeg.length <= maxBytes) {
                LOG.info("{}: {} B JPEG at quality {} exceeds {} B; recompressed at quality {} to {} B",
                        what, original, quality, maxBytes, q, jpeg.length);
                return new Encoded(MediaType.JPEG, jpeg, image.getWidth(), image.getHeight(), true);
            }
        }
        BufferedImage scaled = image;
        float q = Math.min(quality, FALLBACK_QUALITIES[0]);
        while (jpeg.length > maxBytes) {
            int w = Math.max(1, Math.round(scaled.getWidth() * DOWNSCALE_STEP));
            int h = Math.max(1, Math.round(scaled.getHeight() * DOWNSCALE_STEP));
            if (w == scaled.getWidth() && h == scaled.getHeight()) {
                throw new IllegalStateException(what + ": cannot fit the image in " + maxBytes + " B");
            }
            scaled = Images.resize(scaled, w, h);
            jpeg = Images.encodeJpeg(scaled, q);
        }
        LOG.info("{}: {}x{} image ({} B JPEG) exceeds {} B; downscaled to {}x{}, {} B at quality {}",
                what, image.getWidth(), image.getHeight(), original, maxBytes, scaled.getWidth(), scaled.getHeight(),
                jpeg.length, q);
        return new Encoded(MediaType.JPEG, jpeg, scaled.getWidth(), scaled.getHeight(), true);
    }

    /**
     * Keeps an encoded JPEG/PNG photo as it is if it fits in {@code maxBytes}; otherwise re-encodes
     * it as a JPEG that fits (see {@link #encodeJpeg}).
     *
     * @throws ImageDecodeException if the bytes are not a decodable JPEG or PNG
     */
    public static Encoded fit(byte[] photo, int maxBytes, String what) throws ImageDecodeException {
        MediaType type = MediaType.sniff(photo);
        BufferedImage image = Images.decode(photo);
        if (type != null && photo.length <= maxBytes) {
            return new Encoded(type, photo, image.getWidth(), image.getHeight(), false);
        }
        Encoded e = encodeJpeg(image, 0.9f, maxBytes, what);
        return new Encoded(e.mediaType(), e.bytes(), e.width(), e.height(), true);
    }

}
