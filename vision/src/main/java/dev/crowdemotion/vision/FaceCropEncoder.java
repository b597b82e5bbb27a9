package dev.crowdemotion.vision;

import java.awt.image.BufferedImage;
import java.io.Serializable;

/**
 * Turns a detected face into the JPEG crop that is sent to Amazon Rekognition: the face box grown
 * by a margin on every side ({@link Images#crop}), enlarged so that its shorter side is at least
 * {@code minSidePx} ({@link Images#scaleToMinSide}; Rekognition rejects images under 80 px in
 * either dimension), encoded as JPEG ({@link Images#encodeJpeg}).
 *
 * <p>The job (embedded and SageMaker detection) and the camera in edge mode use this one class,
 * so the same frame gives byte-identical crops wherever the face was detected. Immutable and
 * thread-safe.
 */
public final class FaceCropEncoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float margin;
    private final int minSidePx;
    private final float jpegQuality;

    /**
     * @param margin margin on every side, as a fraction of the box's width (left/right) and height
     *     (top/bottom), >= 0
     * @param minSidePx smallest shorter side of a crop, pixels, >= 1
     * @param jpegQuality JPEG quality, (0, 1]
     * @throws IllegalArgumentException if a value is out of range
     */
    public FaceCropEncoder(float margin, int minSidePx, float jpegQuality) {
        if (!(margin >= 0) || Float.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite fraction >= 0, got " + margin);
        }
        if (minSidePx < 1) {
            throw new IllegalArgumentException("minSidePx must be >= 1, got " + minSidePx);
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("jpegQuality must be in (0, 1], got " + jpegQuality);
        }
        this.margin = margin;
        this.minSidePx = minSidePx;
        this.jpegQuality = jpegQuality;
    }

    /**
     * The JPEG crop of one face.
     *
     * @param frame the full-resolution frame
     * @param box the face, pixels of {@code frame}
     * @throws IllegalArgumentException if the grown box does not overlap the frame
     */
    public byte[] encode(BufferedImage frame, FaceBox box) {
        return Images.encodeJpeg(Images.scaleToMinSide(Images.crop(frame, box, margin), minSidePx), jpegQuality);
    }

    /** Margin as a fraction of the box size. */
    public float margin() { return margin; }

    /** Smallest shorter side of a crop, pixels. */
    public int minSidePx() { return minSidePx; }

    /** JPEG quality, 0..1. */
    public float jpegQuality() { return jpegQuality; }
}
