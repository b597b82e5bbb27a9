package dev.crowdemotion.job.enrichment.mosaic;

import java.io.Serializable;
import java.util.Locale;

/**
 * An axis-aligned rectangle in whole pixels of a {@link Mosaic} (origin top-left, x to the right,
 * y down). It covers the pixels {@code x <= px < x + width}, {@code y <= py < y + height}.
 * Immutable.
 */
public final class PixelRect implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int x;
    private final int y;
    private final int width;
    private final int height;

    /**
     * @param x left edge, pixels
     * @param y top edge, pixels
     * @param width width, pixels, at least 1
     * @param height height, pixels, at least 1
     */
    public PixelRect(int x, int y, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("empty rectangle " + width + "x" + height);
        }
        this.x = x;
        this.y = y;
        this.width = width;
        this.height = height;
    }

    /** Left edge, pixels. */
    public int x() { return x; }
    /** Top edge, pixels. */
    public int y() { return y; }
    /** Width, pixels. */
    public int width() { return width; }
    /** Height, pixels. */
    public int height() { return height; }
    /** Right edge (exclusive), pixels: {@code x + width}. */
    public int right() { return x + width; }
    /** Bottom edge (exclusive), pixels: {@code y + height}. */
    public int bottom() { return y + height; }
    /** Horizontal centre, pixels (may be a half pixel). */
    public double centreX() { return x + width / 2.0; }
    /** Vertical centre, pixels (may be a half pixel). */
    public double centreY() { return y + height / 2.0; }

    /** True if the point (pixels, sub-pixel allowed) lies inside: {@code x <= px < right}, {@code y <= py < bottom}. */
    public boolean contains(double px, double py) {
        return px >= x && px < x + width && py >= y && py < y + height;
    }

    /** True if {@code other} lies entirely inside this rectangle. */
    public boolean contains(PixelRect other) {
        return other.x >= x && other.y >= y && other.right() <= right() && other.bottom() <= bottom();
    }

    /** True if the two rectangles share at least one pixel. */
    public boolean intersects(PixelRect other) {
        return other.x < right() && x < other.right() && other.y < bottom() && y < other.bottom();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PixelRect)) {
            return false;
        }
        PixelRect r = (PixelRect) o;
        return x == r.x && y == r.y && width == r.width && height == r.height;
    }

    @Override
    public int hashCode() {
        return ((x * 31 + y) * 31 + width) * 31 + height;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[%d,%d %dx%d]", x, y, width, height);
    }
}
