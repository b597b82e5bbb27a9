package dev.crowdemotion.job.enrichment.mosaic;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where one input crop sits in a {@link Mosaic}: its square {@link #tile() tile} and, inside it,
 * the {@link #content() rectangle of the scaled crop} (centred, aspect ratio kept; the rest of
 * the tile is grey padding). All rectangles are in pixels of the mosaic image. Immutable.
 */
public final class MosaicTile implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final int row;
    private final int column;
    private final PixelRect tile;
    private final PixelRect content;
    private final int sourceWidth;
    private final int sourceHeight;

    MosaicTile(int index, int row, int column, PixelRect tile, PixelRect content, int sourceWidth, int sourceHeight) {
        this.index = index;
        this.row = row;
        this.column = column;
        this.tile = tile;
        this.content = content;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
    }

    /** Index of the crop in the list given to {@link MosaicPacker#pack}, 0-based. */
    public int index() { return index; }
    /** Grid row, 0-based from the top. */
    public int row() { return row; }
    /** Grid column, 0-based from the left. */
    public int column() { return column; }
    /** The square tile, pixels of the mosaic ({@code tilePx x tilePx}). */
    public PixelRect tile() { return tile; }
    /** The scaled crop inside the tile, pixels of the mosaic. */
    public PixelRect content() { return content; }
    /** Width of the input crop, pixels of the crop. */
    public int sourceWidth() { return sourceWidth; }
    /** Height of the input crop, pixels of the crop. */
    public int sourceHeight() { return sourceHeight; }
    /** Scale factor from crop pixels to mosaic pixels (content width / crop width; above 1 for an enlarged crop). */
    public double scale() { return (double) content.width() / sourceWidth; }

    /**
     * Maps a point in mosaic pixels to ratios (0..1 inside) of the input crop, as
     * {@code {x / cropWidth, y / cropHeight}}.
     */
    public double[] toCropRatios(double mosaicX, double mosaicY) {
        return new double[] {(mosaicX - content.x()) / content.width(), (mosaicY - content.y()) / content.height()};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MosaicTile{#%d r%d c%d tile=%s content=%s src=%dx%d}",
                index, row, column, tile, content, sourceWidth, sourceHeight);
    }
}
