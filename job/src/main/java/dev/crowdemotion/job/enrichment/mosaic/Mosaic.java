package dev.crowdemotion.job.enrichment.mosaic;

import software.amazon.awssdk.services.rekognition.model.FaceDetail;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Several face crops packed on one grid image, made by {@link MosaicPacker}: the JPEG bytes to
 * send to DetectFaces, the image size, and for every input crop (by its index in the packed
 * list) its {@link MosaicTile} (tile and content rectangles, pixels).
 *
 * <p>Layout, all in pixels: {@link #columns()} = ceil(sqrt(n)), {@link #rows()} = ceil(n /
 * columns), crops placed row by row in input order; tile {@code i} at column {@code i % columns},
 * row {@code i / columns} covers {@code x = gutter + column * (tilePx + gutter)}, likewise y, with
 * a grey gutter of {@link #gutterPx()} between tiles and around the border. So
 * {@code width = columns * tilePx + (columns + 1) * gutterPx}, likewise the height. Cells of the
 * last row beyond {@code n} are grey and belong to no tile.
 *
 * <p>Immutable and thread-safe ({@link #jpeg()} returns a copy).
 */
public final class Mosaic implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] jpeg;
    private final float jpegQuality;
    private final int width;
    private final int height;
    private final int columns;
    private final int rows;
    private final int tilePx;
    private final int gutterPx;
    private final List<MosaicTile> tiles;

    Mosaic(byte[] jpeg, float jpegQuality, int width, int height, int columns, int rows, int tilePx, int gutterPx,
           List<MosaicTile> tiles) {
        this.jpeg = jpeg;
        this.jpegQuality = jpegQuality;
        this.width = width;
        this.height = height;
        this.columns = columns;
        this.rows = rows;
        this.tilePx = tilePx;
        this.gutterPx = gutterPx;
        this.tiles = Collections.unmodifiableList(new ArrayList<>(tiles));
    }

    /** The mosaic as a baseline JPEG, a copy (at most {@link RekognitionLimits#MAX_IMAGE_BYTES} bytes). */
    public byte[] jpeg() { return jpeg.clone(); }
    /** Size of {@link #jpeg()}, bytes. */
    public int jpegSize() { return jpeg.length; }
    /** JPEG quality (0..1] the image was finally encoded with (below the packer's setting only if the size limit forced it). */
    public float jpegQuality() { return jpegQuality; }
    /** Image width, pixels. */
    public int width() { return width; }
    /** Image height, pixels. */
    public int height() { return height; }
    /** Grid columns. */
    public int columns() { return columns; }
    /** Grid rows. */
    public int rows() { return rows; }
    /** Side of a square tile, pixels. */
    public int tilePx() { return tilePx; }
    /** Width of the grey gutter between tiles and around the border, pixels. */
    public int gutterPx() { return gutterPx; }
    /** Number of packed crops. */
    public int size() { return tiles.size(); }
    /** The tile of input crop {@code index} (0-based). */
    public MosaicTile tile(int index) { return tiles.get(index); }
    /** All tiles, by input index; unmodifiable. */
    public List<MosaicTile> tiles() { return tiles; }

    /**
     * The tile whose square contains the point ({@code x}, {@code y}) in mosaic pixels, or
     * {@code null} if the point lies in a gutter, in an unused cell of the last row, or outside
     * the image. A point in a tile's grey padding (outside its content) still belongs to the tile.
     */
    public MosaicTile tileAt(double x, double y) {
        int pitch = tilePx + gutterPx;
        double gx = x - gutterPx;
        double gy = y - gutterPx;
        if (gx < 0 || gy < 0) {
            return null;
        }
        int column = (int) Math.floor(gx / pitch);
        int row = (int) Math.floor(gy / pitch);
        if (column >= columns || row >= rows || gx - (double) column * pitch >= tilePx || gy - (double) row * pitch >= tilePx) {
            return null;
        }
        int index = row * columns + column;
        return index < tiles.size() ? tiles.get(index) : null;
    }

    /**
     * Assigns the faces of a DetectFaces response on this mosaic ({@code response.faceDetails()})
     * to the packed crops: one {@link TileOutcome} per crop, by index (ONE, SEVERAL or NONE).
     * Shorthand for {@code MosaicUnpacker.unpack(this, faces).tiles()}; use
     * {@link MosaicUnpacker#unpack} to see the faces that fell in no tile as well.
     */
    public List<TileOutcome> assign(List<FaceDetail> faces) {
        return MosaicUnpacker.unpack(this, faces).tiles();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Mosaic{%d crops, %dx%d grid, %dx%d px, tile %d px, gutter %d px, %d B JPEG q%.2f}",
                tiles.size(), columns, rows, width, height, tilePx, gutterPx, jpeg.length, jpegQuality);
    }
}
