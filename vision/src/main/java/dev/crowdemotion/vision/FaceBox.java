package dev.crowdemotion.vision;

import java.io.Serializable;

/**
 * A detected face: an axis-aligned box in pixels of the analysed image (origin top-left,
 * x to the right, y down) and the detector's score in [0, 1]. Immutable.
 */
public final class FaceBox implements Serializable {
    private static final long serialVersionUID = 1L;
    private final float x;
    private final float y;
    private final float width;
    private final float height;
    private final float score;

    /**
     * @param x left edge, pixels
     * @param y top edge, pixels
     * @param width width, pixels
     * @param height height, pixels
     * @param score detector score, 0..1
     */
    public FaceBox(float x, float y, float width, float height, float score) {
        this.x = x;
        this.y = y;
        this.width = width;
        this.height = height;
        this.score = score;
    }

    public float x() { return x; }
    public float y() { return y; }
    public float width() { return width; }
    public float height() { return height; }
    public float score() { return score; }

    /** Intersection over union with another box, 0..1. */
    public float iou(FaceBox o) {
        float ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        float iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        float inter = ix * iy;
        float union = width * height + o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "FaceBox[x=%.1f y=%.1f w=%.1f h=%.1f score=%.3f]",
                x, y, width, height, score);
    }
}
