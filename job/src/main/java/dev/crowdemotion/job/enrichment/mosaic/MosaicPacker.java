package dev.crowdemotion.job.enrichment.mosaic;

import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;


import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Packs 1..{@link #maxTiles()} face crops into one JPEG grid image (a {@link Mosaic}), so that a
 * single Amazon Rekognition {@code DetectFaces} call (which analyses up to
 * {@value RekognitionLimits#MAX_FACES_PER_IMAGE} faces and is priced per image, see
 * https://aws.amazon.com/rekognition/pricing/) enriches all of them; {@link MosaicUnpacker} maps
 * the returned faces back to the crops.
 *
 * <p><b>Layout</b> (pixels): a near-square grid, {@code columns = ceil(sqrt(n))},
 * {@code rows = ceil(n / columns)}, crops placed row by row in input order. Each crop is scaled
 * (up or down) to fit a square tile of {@link #tilePx()} keeping its aspect ratio, and centred in
 * it; tiles are separated from each other and from the border by a gutter of {@link #gutterPx()}.
 * Gutters, tile padding and unused cells are neutral grey (128, 128, 128), so faces of
 * neighbouring tiles never touch. The image is {@code columns * tilePx + (columns + 1) * gutterPx}
 * wide, likewise high (e.g. the defaults: 1 crop 184 x 184 px, 4 crops 356 x 356, 9 crops
 * 528 x 528, 16 crops 700 x 700, 25 crops 872 x 872, 100 crops 1,732 x 1,732).
 *
 * <p><b>Rekognition limits</b> ({@link RekognitionLimits}): the mosaic is at least
 * {@value RekognitionLimits#MIN_IMAGE_SIDE_PX} px on each side because a tile is; it is encoded at
 * {@link #jpegQuality()} and, should the JPEG exceed {@link RekognitionLimits#MAX_IMAGE_BYTES}
 * (never observed: 25 real face crops at the defaults take about 0.2 MB), re-encoded at qualities
 * lowered in steps of 0.1 down to 0.1; at most {@value RekognitionLimits#MAX_FACES_PER_IMAGE} tiles
 * (fewer leave room in the 100 faces DetectFaces returns for neighbours' faces cut by a crop's
 * margin).
 * The constructor rejects settings in which a face filling half a tile would be under
 * Rekognition's minimum face size for the largest mosaic ({@link RekognitionLimits#minFaceSidePx}).
 *
 * <p><b>Defaults and why</b> (measured with {@code MosaicAgreementTest} on 45 real face crops from
 * {@code data/} against the local DetectFaces stand-in, whose detector is BlazeFace with tiling,
 * not Rekognition's: see that test's output for the table):
 * <ul>
 *   <li>{@code tilePx} {@value #DEFAULT_TILE_PX}: on the stand-in, tiles of 80 to 224 px (with 4,
 *       12 or 24 px gutters, K 4 to 49) made no systematic difference: ONE 93-100 % of the tiles
 *       and 84-98 % emotion agreement everywhere, differences of 1-3 faces out of 45 without a
 *       trend. So the size is chosen for the real service: the job's crops (face box plus 25 %
 *       margin per side, enlarged to at least 96 px) put a face at about 2/3 of the crop, i.e.
 *       about 107 px in a 160 px tile, 2.7 times Rekognition's 40 px minimum face size for images
 *       up to 1920 x 1080 (a 16-crop mosaic is 700 px square, a face 15 % of its width against the
 *       documented ~2 %), and at least 1.5 times the proportionally larger minimum (64 px) of a
 *       100-crop mosaic (1,732 px). It keeps the larger crops (157 px astronaut, 284 px Grace
 *       Hopper) near their own resolution, and costs little: 104 KB of JPEG for 16 crops.</li>
 *   <li>{@code gutterPx} {@value #DEFAULT_GUTTER_PX}: 7.5 % of a tile, 8.6 % of the width of a
 *       4 x 4 mosaic; a clear grey separation between neighbouring crops, so that no detector box
 *       spans two crops and a box centre is unambiguously in one tile. 4 and 24 px measured the
 *       same on the stand-in.</li>
 *   <li>{@code jpegQuality} {@value #DEFAULT_JPEG_QUALITY}: the job's own crop quality
 *       ({@code Detection/crop.jpeg.quality}), so re-encoding adds little loss.</li>
 *   <li>crops per mosaic: {@value #DEFAULT_CROPS_PER_MOSAIC} recommended, see
 *       {@link #DEFAULT_CROPS_PER_MOSAIC} (the packer itself takes up to {@link #maxTiles()},
 *       by default {@value RekognitionLimits#MAX_FACES_PER_IMAGE}; batching is the caller's).</li>
 * </ul>
 *
 * <p>Pure and thread-safe: immutable settings, no shared mutable state; each {@link #pack} call
 * works on its own images. Serializable, so a Flink operator can carry it. Cost, all included
 * (decode, scale, draw, JPEG encode): about 1.1-1.4 ms per crop on one core of a 2-vCPU x86 VM,
 * e.g. 19 ms for 16 crops, 28-39 ms for 25, 117 ms for 100; {@code MosaicPackerTest.timing}
 * prints the numbers of the machine it runs on.
 */
public final class MosaicPacker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default side of a square tile, pixels (see the class comment). */
    public static final int DEFAULT_TILE_PX = 160;
    /** Default gutter between tiles and around the border, pixels (see the class comment). */
    public static final int DEFAULT_GUTTER_PX = 12;
    /** Default JPEG quality of the mosaic, 0..1 (the job's crop quality). */
    public static final float DEFAULT_JPEG_QUALITY = 0.9f;
    /**
     * Recommended number of crops per mosaic (the caller's batch size K): 16. Measured against the
     * local stand-in on 45 real face crops at the default tile and gutter, packed in two orders
     * (photo by photo / shuffled), {@code MosaicAgreementTest}:
     * <pre>
     *   K   images/face (+ NONE retried alone)   ONE           NONE          dominant emotion = single call
     *   1   1.000  (1.000)                       100 %         0 %           93 %  (rescaling alone)
     *   4   0.267  (0.311)                       96 % / 96 %   4 % / 4 %     91 % / 86 %
     *   9   0.111  (0.133)                       98 % / 98 %   2 % / 2 %     91 % / 93 %
     *   16  0.067  (0.067)                       100 % / 100 % 0 % / 0 %     96 % / 96 %
     *   25  0.044  (0.067)                       98 % / 98 %   2 % / 2 %     93 % / 98 %
     * </pre>
     * SEVERAL never occurred; agreement is over faces found in both modes. Two faces disagree at
     * every K, including K = 1 where a crop is only rescaled and bordered, so most of the
     * disagreement comes from rescaling (and the stand-in's re-detection of the box), not from
     * the grid. No K measurably loses to another on the stand-in, so K is a cost and latency
     * choice: 16 takes 1/16 of the per-crop calls, four times fewer than K = 4; 25 would save
     * only a further ~0.02 call per face while a batch waits for 25 faces, a failed or throttled
     * call hits 25 faces, and Rekognition (unmeasured here) may miss more faces in larger grids.
     * Re-measure against the real service before raising it.
     */
    public static final int DEFAULT_CROPS_PER_MOSAIC = 16;

    /** Smallest tile, pixels: Rekognition's minimum image side, so a one-crop mosaic is valid too. */
    public static final int MIN_TILE_PX = RekognitionLimits.MIN_IMAGE_SIDE_PX;
    /** Largest tile, pixels: bounds the mosaic (100 tiles: at most 5,824 px square) and its memory. */
    public static final int MAX_TILE_PX = 512;
    /** Smallest gutter, pixels. */
    public static final int MIN_GUTTER_PX = 2;
    /** Largest gutter, pixels. */
    public static final int MAX_GUTTER_PX = 64;
    /** Lowest JPEG quality the size fallback goes down to. */
    public static final float MIN_FALLBACK_QUALITY = 0.1f;

    private static final Color GREY = new Color(128, 128, 128);

    private final int tilePx;
    private final int gutterPx;
    private final float jpegQuality;
    private final int maxTiles;
    private final int maxJpegBytes;

    /**
     * A packer with the defaults: {@value #DEFAULT_TILE_PX} px tiles, {@value #DEFAULT_GUTTER_PX} px
     * gutter, quality 0.9, up to {@value RekognitionLimits#MAX_FACES_PER_IMAGE} crops.
     */
    public MosaicPacker() {
        this(DEFAULT_TILE_PX);
    }

    /**
     * A packer with the given tile side and the other defaults ({@value #DEFAULT_GUTTER_PX} px
     * gutter, quality 0.9, up to {@value RekognitionLimits#MAX_FACES_PER_IMAGE} crops).
     *
     * @param tilePx side of a square tile, pixels, {@value #MIN_TILE_PX}..{@value #MAX_TILE_PX}
     */
    public MosaicPacker(int tilePx) {
        this(tilePx, DEFAULT_GUTTER_PX, DEFAULT_JPEG_QUALITY, RekognitionLimits.MAX_FACES_PER_IMAGE);
    }

    /**
     * @param tilePx side of a square tile, pixels, {@value #MIN_TILE_PX}..{@value #MAX_TILE_PX}
     * @param gutterPx gutter between tiles and around the border, pixels,
     *     {@value #MIN_GUTTER_PX}..{@value #MAX_GUTTER_PX}
     * @param jpegQuality JPEG quality, (0, 1]
     * @param maxTiles most crops per mosaic, 1..{@value RekognitionLimits#MAX_FACES_PER_IMAGE}
     * @throws IllegalArgumentException if a value is out of range, or half a tile would be under
     *     Rekognition's minimum face size in a mosaic of {@code maxTiles} crops
     */
    public MosaicPacker(int tilePx, int gutterPx, float jpegQuality, int maxTiles) {
        this(tilePx, gutterPx, jpegQuality, maxTiles, RekognitionLimits.MAX_IMAGE_BYTES);
    }

    /** With a byte limit other than Rekognition's, for tests of the size fallback. */
    MosaicPacker(int tilePx, int gutterPx, float jpegQuality, int maxTiles, int maxJpegBytes) {
        if (tilePx < MIN_TILE_PX || tilePx > MAX_TILE_PX) {
            throw new IllegalArgumentException("tilePx must be " + MIN_TILE_PX + ".." + MAX_TILE_PX + ", got " + tilePx);
        }
        if (gutterPx < MIN_GUTTER_PX || gutterPx > MAX_GUTTER_PX) {
            throw new IllegalArgumentException("gutterPx must be " + MIN_GUTTER_PX + ".." + MAX_GUTTER_PX + ", got " + gutterPx);
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("jpegQuality must be in (0, 1], got " + jpegQuality);
        }
        if (maxTiles < 1 || maxTiles > RekognitionLimits.MAX_FACES_PER_IMAGE) {
            throw new IllegalArgumentException("maxTiles must be 1.." + RekognitionLimits.MAX_FACES_PER_IMAGE + ", got " + maxTiles);
        }
        if (maxJpegBytes < 1) {
            throw new IllegalArgumentException("maxJpegBytes " + maxJpegBytes);
        }
        this.tilePx = tilePx;
        this.gutterPx = gutterPx;
        this.jpegQuality = jpegQuality;
        this.maxTiles = maxTiles;
        this.maxJpegBytes = maxJpegBytes;
        int side = side(columnsFor(maxTiles));
        int sideRows = side(rowsFor(maxTiles));
        double minFace = RekognitionLimits.minFaceSidePx(side, sideRows);
        if (tilePx / 2.0 < minFace) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tilePx %d too small for %d tiles: half a tile (%.0f px) is under Rekognition's minimum face "
                            + "size of %.0f px in a %dx%d px mosaic", tilePx, maxTiles, tilePx / 2.0, minFace, side, sideRows));
        }
    }

    /** Side of a square tile, pixels. */
    public int tilePx() { return tilePx; }
    /** Gutter between tiles and around the border, pixels. */
    public int gutterPx() { return gutterPx; }
    /** JPEG quality the mosaic is first encoded with, (0, 1]. */
    public float jpegQuality() { return jpegQuality; }
    /** Most crops one mosaic takes. */
    public int maxTiles() { return maxTiles; }

    /** Grid columns for {@code n} crops: {@code ceil(sqrt(n))}. */
    public static int columnsFor(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        int c = (int) Math.ceil(Math.sqrt(n));
        while ((long) c * c < n) {
            c++;
        }
        while (c > 1 && (long) (c - 1) * (c - 1) >= n) {
            c--;
        }
        return c;
    }

    /** Grid rows for {@code n} crops: {@code ceil(n / columnsFor(n))}. */
    public static int rowsFor(int n) {
        int c = columnsFor(n);
        return (n + c - 1) / c;
    }

    /** Width in pixels of the mosaic of {@code n} crops. */
    public int widthFor(int n) {
        return side(columnsFor(n));
    }

    /** Height in pixels of the mosaic of {@code n} crops. */
    public int heightFor(int n) {
        return side(rowsFor(n));
    }

    private int side(int cells) {
        return cells * tilePx + (cells + 1) * gutterPx;
    }

    /**
     * Packs JPEG (or PNG) face crops, e.g. {@code FaceCrop.getJpeg()}, decoded with
     * {@link Images#decode}.
     *
     * @param crops 1..{@link #maxTiles()} encoded crops; the index in this list is the index in
     *     the returned {@link Mosaic}
     * @throws IllegalArgumentException if the list is empty or longer than {@link #maxTiles()}, or
     *     a crop does not decode (unchecked, as the job's crops are its own JPEG encodings; the
     *     cause is the {@link ImageDecodeException}, the message names the crop's index)
     * @throws IllegalStateException if even quality {@value #MIN_FALLBACK_QUALITY} exceeds the byte limit
     *     (not reachable within the accepted settings with real photos)
     */
    public Mosaic pack(List<byte[]> crops) {
        Objects.requireNonNull(crops, "crops");
        checkCount(crops.size());
        List<BufferedImage> images = new ArrayList<>(crops.size());
        for (int i = 0; i < crops.size(); i++) {
            try {
                images.add(Images.decode(crops.get(i)));
            } catch (ImageDecodeException e) {
                throw new IllegalArgumentException("crop " + i + " of " + crops.size() + ": " + e.getMessage(), e);
            }
        }
        return packImages(images);
    }

    /**
     * Packs already decoded crops (any image type).
     *
     * @param crops 1..{@link #maxTiles()} crops; the index in this list is the index in the mosaic
     * @throws IllegalArgumentException if the list is empty or longer than {@link #maxTiles()}
     * @throws IllegalStateException as {@link #pack}
     */
    public Mosaic packImages(List<BufferedImage> crops) {
        Objects.requireNonNull(crops, "crops");
        int n = crops.size();
        checkCount(n);
        int columns = columnsFor(n);
        int rows = rowsFor(n);
        int width = side(columns);
        int height = side(rows);
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        List<MosaicTile> tiles = new ArrayList<>(n);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(GREY);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            for (int i = 0; i < n; i++) {
                BufferedImage crop = Objects.requireNonNull(crops.get(i), "crop " + i);
                int column = i % columns;
                int row = i / columns;
                PixelRect tile = new PixelRect(gutterPx + column * (tilePx + gutterPx),
                        gutterPx + row * (tilePx + gutterPx), tilePx, tilePx);
                int cw = crop.getWidth();
                int ch = crop.getHeight();
                double scale = Math.min((double) tilePx / cw, (double) tilePx / ch);
                int sw = Math.max(1, Math.min(tilePx, (int) Math.round(cw * scale)));
                int sh = Math.max(1, Math.min(tilePx, (int) Math.round(ch * scale)));
                PixelRect content = new PixelRect(tile.x() + (tilePx - sw) / 2, tile.y() + (tilePx - sh) / 2, sw, sh);
                g.drawImage(reduceForScaling(Images.toRgb(crop), sw, sh), content.x(), content.y(), sw, sh, null);
                tiles.add(new MosaicTile(i, row, column, tile, content, cw, ch));
            }
        } finally {
            g.dispose();
        }
        float quality = jpegQuality;
        byte[] jpeg = Images.encodeJpeg(canvas, quality);
        while (jpeg.length > maxJpegBytes) {
            float next = Math.round((quality - 0.1f) * 10) / 10f;
            if (next < MIN_FALLBACK_QUALITY - 1e-6f) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "mosaic of %d crops (%dx%d px) is %d bytes even at JPEG quality %.1f, over the limit of %d",
                        n, width, height, jpeg.length, quality, maxJpegBytes));
            }
            quality = next;
            jpeg = Images.encodeJpeg(canvas, quality);
        }
        return new Mosaic(jpeg, quality, width, height, columns, rows, tilePx, gutterPx, tiles);
    }

    private void checkCount(int n) {
        if (n < 1 || n > maxTiles) {
            throw new IllegalArgumentException("a mosaic takes 1.." + maxTiles + " crops, got " + n);
        }
    }

    /**
     * Halves {@code image} (bilinear, i.e. a 2x2 box average per step) while it is at least twice
     * the target size in both dimensions, so that the final bicubic draw never reduces by more
     * than 2x (a single bicubic reduction by more than that skips pixels and aliases).
     */
    private static BufferedImage reduceForScaling(BufferedImage image, int targetWidth, int targetHeight) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        while (w >= 2 * targetWidth && h >= 2 * targetHeight) {
            w = Math.max(1, w / 2);
            h = Math.max(1, h / 2);
            current = Images.resize(current, w, h);
        }
        return current;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MosaicPacker{tile %d px, gutter %d px, quality %.2f, max %d crops}",
                tilePx, gutterPx, jpegQuality, maxTiles);
    }
}
