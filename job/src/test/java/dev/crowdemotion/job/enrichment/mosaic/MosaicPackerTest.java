package dev.crowdemotion.job.enrichment.mosaic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crowdemotion.job.enrichment.mosaic.MosaicFixtures.Crop;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MosaicPacker} on real face crops ({@link MosaicFixtures}): geometry, limits, pixels, timing. */
class MosaicPackerTest {
    private static final MosaicPacker PACKER = new MosaicPacker();

    static List<Crop> first(int k) {
        List<Crop> all = MosaicFixtures.crops();
        List<Crop> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(all.get(i % all.size()));
        }
        return out;
    }

    static BufferedImage decode(byte[] jpeg) {
        try {
            return Images.decode(jpeg);
        } catch (ImageDecodeException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 9, 10, 16, 25, 45, 100})
    void gridGeometryOnRealCrops(int k) {
        List<Crop> crops = first(k);
        Mosaic m = PACKER.pack(MosaicFixtures.jpegs(crops));
        int tile = MosaicPacker.DEFAULT_TILE_PX;
        int gutter = MosaicPacker.DEFAULT_GUTTER_PX;
        int columns = (int) Math.ceil(Math.sqrt(k));
        int rows = (int) Math.ceil((double) k / columns);
        assertThat(m.size()).isEqualTo(k);
        assertThat(m.columns()).isEqualTo(columns);
        assertThat(m.rows()).isEqualTo(rows);
        assertThat(m.width()).isEqualTo(columns * tile + (columns + 1) * gutter).isEqualTo(PACKER.widthFor(k));
        assertThat(m.height()).isEqualTo(rows * tile + (rows + 1) * gutter).isEqualTo(PACKER.heightFor(k));
        assertThat(Math.min(m.width(), m.height())).isGreaterThanOrEqualTo(RekognitionLimits.MIN_IMAGE_SIDE_PX);
        assertThat(m.jpegSize()).isLessThanOrEqualTo(RekognitionLimits.MAX_IMAGE_BYTES);
        assertThat(m.jpegQuality()).isEqualTo(MosaicPacker.DEFAULT_JPEG_QUALITY);
        BufferedImage decoded = decode(m.jpeg());
        assertThat(decoded.getWidth()).isEqualTo(m.width());
        assertThat(decoded.getHeight()).isEqualTo(m.height());

        PixelRect image = new PixelRect(0, 0, m.width(), m.height());
        double minFace = RekognitionLimits.minFaceSidePx(m.width(), m.height());
        for (int i = 0; i < k; i++) {
            MosaicTile t = m.tile(i);
            assertThat(t.index()).isEqualTo(i);
            assertThat(t.column()).isEqualTo(i % columns);
            assertThat(t.row()).isEqualTo(i / columns);
            assertThat(t.tile().width()).isEqualTo(tile);
            assertThat(t.tile().height()).isEqualTo(tile);
            assertThat(t.tile().x()).isEqualTo(gutter + t.column() * (tile + gutter));
            assertThat(t.tile().y()).isEqualTo(gutter + t.row() * (tile + gutter));
            // gutter on every side, inside the image
            assertThat(new PixelRect(gutter, gutter, m.width() - 2 * gutter, m.height() - 2 * gutter).contains(t.tile())).isTrue();
            assertThat(image.contains(t.tile())).isTrue();
            // content: inside the tile, fitted (one side = tile), centred, aspect ratio kept
            PixelRect c = t.content();
            assertThat(t.tile().contains(c)).isTrue();
            assertThat(Math.max(c.width(), c.height())).isEqualTo(tile);
            assertThat(Math.abs((c.x() - t.tile().x()) - (t.tile().right() - c.right()))).isLessThanOrEqualTo(1);
            assertThat(Math.abs((c.y() - t.tile().y()) - (t.tile().bottom() - c.bottom()))).isLessThanOrEqualTo(1);
            assertThat((double) c.width() / c.height())
                    .isCloseTo((double) crops.get(i).width() / crops.get(i).height(), org.assertj.core.data.Offset.offset(0.02));
            assertThat(t.sourceWidth()).isEqualTo(crops.get(i).width());
            // a face with the job's 25 % margin fills ~2/3 of the crop: at least 1.5x Rekognition's minimum, even at 100 crops
            assertThat(Math.min(c.width(), c.height()) / (1 + 2.0 * MosaicFixtures.CROP_MARGIN)).isGreaterThanOrEqualTo(1.5 * minFace);
            // tiles never overlap, and neighbours are exactly one gutter apart
            for (int j = 0; j < i; j++) {
                PixelRect o = m.tile(j).tile();
                assertThat(t.tile().intersects(o)).as("tiles %d and %d", i, j).isFalse();
                int gapX = Math.max(o.x() - t.tile().right(), t.tile().x() - o.right());
                int gapY = Math.max(o.y() - t.tile().bottom(), t.tile().y() - o.bottom());
                assertThat(Math.max(gapX, gapY)).isGreaterThanOrEqualTo(gutter);
            }
            // tileAt: the tile's centre and corners, not the gutter beside it
            assertThat(m.tileAt(t.tile().centreX(), t.tile().centreY())).isSameAs(t);
            assertThat(m.tileAt(t.tile().x(), t.tile().y())).isSameAs(t);
            assertThat(m.tileAt(t.tile().right() - 0.01, t.tile().bottom() - 0.01)).isSameAs(t);
            assertThat(m.tileAt(t.tile().right() + gutter / 2.0, t.tile().centreY())).isNull();
            assertThat(m.tileAt(t.tile().centreX(), t.tile().y() - gutter / 2.0)).isNull();
        }
        // unused cells of the last row belong to no tile
        for (int cell = k; cell < columns * rows; cell++) {
            double x = gutter + (cell % columns) * (tile + gutter) + tile / 2.0;
            double y = gutter + (cell / columns) * (tile + gutter) + tile / 2.0;
            assertThat(m.tileAt(x, y)).isNull();
        }
        assertThat(m.tileAt(-1, 5)).isNull();
        assertThat(m.tileAt(m.width() + 1, m.height() / 2.0)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 9, 16, 25})
    void pixelsAreTheCropsOnGrey(int k) {
        List<Crop> crops = first(k);
        Mosaic m = PACKER.pack(MosaicFixtures.jpegs(crops));
        BufferedImage img = decode(m.jpeg());
        // every content rectangle shows its own crop (scaled), not a neighbour's
        for (int i = 0; i < k; i++) {
            PixelRect c = m.tile(i).content();
            BufferedImage expected = scaled(decode(crops.get(i).jpeg()), c.width(), c.height());
            double own = meanAbsDiff(img, c, expected);
            assertThat(own).as("tile %d", i).isLessThan(6);
            if (k > 1) {
                int j = (i + 1) % k;
                if (!Arrays.equals(crops.get(i).jpeg(), crops.get(j).jpeg())) {
                    BufferedImage other = scaled(decode(crops.get(j).jpeg()), c.width(), c.height());
                    assertThat(meanAbsDiff(img, c, other)).as("tile %d vs crop %d", i, j).isGreaterThan(2 * own);
                }
            }
        }
        // gutters are neutral grey (JPEG error aside)
        double sum = 0;
        long n = 0;
        int maxDev = 0;
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                if (m.tileAt(x + 0.5, y + 0.5) == null) {
                    int rgb = img.getRGB(x, y);
                    for (int shift = 0; shift <= 16; shift += 8) {
                        int dev = Math.abs(((rgb >> shift) & 0xFF) - 128);
                        sum += dev;
                        n++;
                        if (distanceToNearestTile(m, x, y) >= 4) {
                            maxDev = Math.max(maxDev, dev);
                        }
                    }
                }
            }
        }
        assertThat(sum / n).as("mean deviation of gutter pixels from grey").isLessThan(2.5);
        assertThat(maxDev).as("largest deviation 4+ px away from a tile").isLessThanOrEqualTo(12);
    }

    private static int distanceToNearestTile(Mosaic m, int x, int y) {
        int best = Integer.MAX_VALUE;
        for (MosaicTile t : m.tiles()) {
            PixelRect r = t.tile();
            int dx = Math.max(0, Math.max(r.x() - x, x - (r.right() - 1)));
            int dy = Math.max(0, Math.max(r.y() - y, y - (r.bottom() - 1)));
            best = Math.min(best, Math.max(dx, dy));
        }
        return best;
    }

    private static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Mean absolute difference per channel (0-255) between {@code img} inside {@code r} and {@code expected}. */
    private static double meanAbsDiff(BufferedImage img, PixelRect r, BufferedImage expected) {
        double sum = 0;
        for (int y = 0; y < r.height(); y++) {
            for (int x = 0; x < r.width(); x++) {
                int a = img.getRGB(r.x() + x, r.y() + y);
                int b = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * r.width() * r.height());
    }

    private static BufferedImage solid(int w, int h, Color colour) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    @Test
    void nonSquareSmallAndLargeCropsAreFittedAndCentred() {
        BufferedImage wide = solid(200, 100, Color.RED);
        BufferedImage tall = solid(50, 150, Color.GREEN);
        BufferedImage huge = solid(1000, 1000, Color.BLUE); // reduced in halving steps
        Mosaic m = PACKER.packImages(List.of(wide, tall, huge));
        assertThat(m.tile(0).content()).isEqualTo(new PixelRect(12, 12 + 40, 160, 80));
        assertThat(m.tile(1).content()).isEqualTo(new PixelRect(12 + 172 + 53, 12, 53, 160));
        assertThat(m.tile(2).content()).isEqualTo(new PixelRect(12, 12 + 172, 160, 160));
        assertThat(m.tile(1).scale()).isCloseTo(160 / 150.0, org.assertj.core.data.Offset.offset(0.03));
        BufferedImage img = decode(m.jpeg());
        assertThat(new Color(img.getRGB(92, 92)).getRed()).isGreaterThan(230);
        assertThat(new Color(img.getRGB(92, 20)).getRed()).isBetween(118, 138); // padding above the wide crop: grey
        assertThat(new Color(img.getRGB(92, 264)).getBlue()).isGreaterThan(230);
        // a point in the padding still belongs to the tile
        assertThat(m.tileAt(92, 20)).isSameAs(m.tile(0));
        double[] r = m.tile(0).toCropRatios(12 + 80, 12 + 40 + 40);
        assertThat(r[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r[1]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sizeLimitLowersTheQualityOrRefuses() {
        Random random = new Random(42);
        List<BufferedImage> noise = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(160, 160, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 160; y++) {
                for (int x = 0; x < 160; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            noise.add(img);
        }
        int full = PACKER.packImages(noise).jpegSize();
        MosaicPacker limited = new MosaicPacker(160, 12, 0.9f, 16, full / 2);
        Mosaic m = limited.packImages(noise);
        assertThat(m.jpegSize()).isLessThanOrEqualTo(full / 2);
        assertThat(m.jpegQuality()).isLessThan(0.9f).isGreaterThanOrEqualTo(MosaicPacker.MIN_FALLBACK_QUALITY);
        System.out.printf(Locale.ROOT, "noise mosaic: %d B at q0.9, %d B at q%.1f under a %d B limit%n", full,
                m.jpegSize(), m.jpegQuality(), full / 2);
        assertThatThrownBy(() -> new MosaicPacker(160, 12, 0.9f, 16, 1000).packImages(noise))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("over the limit of 1000");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> PACKER.pack(List.of())).isInstanceOf(IllegalArgumentException.class);
        MosaicPacker four = new MosaicPacker(160, 12, 0.9f, 4);
        assertThatThrownBy(() -> four.pack(MosaicFixtures.jpegs(first(5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..4");
        List<byte[]> bad = new ArrayList<>(MosaicFixtures.jpegs(first(3)));
        bad.set(1, Arrays.copyOf(bad.get(1), bad.get(1).length / 2)); // truncated JPEG
        assertThatThrownBy(() -> PACKER.pack(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("crop 1 of 3").hasCauseInstanceOf(ImageDecodeException.class);
        assertThatThrownBy(() -> new MosaicPacker(79)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(513)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(160, 1, 0.9f, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(160, 12, 0f, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(160, 12, 1.1f, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(160, 12, 0.9f, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MosaicPacker(160, 12, 0.9f, 101)).isInstanceOf(IllegalArgumentException.class);
        // 100 tiles of 80 px with 64 px gutters: 1,504 px, minimum face 56 px > half a tile
        assertThatThrownBy(() -> new MosaicPacker(80, 64, 0.9f, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimum face");
        assertThat(new MosaicPacker(80, 12, 0.9f, 100).maxTiles()).isEqualTo(100);
        assertThat(PACKER.maxTiles()).isEqualTo(RekognitionLimits.MAX_FACES_PER_IMAGE);
    }

    @Test
    void gridShape() {
        int[][] expected = {{1, 1, 1}, {2, 2, 1}, {3, 2, 2}, {4, 2, 2}, {5, 3, 2}, {6, 3, 2}, {7, 3, 3}, {9, 3, 3},
                {10, 4, 3}, {16, 4, 4}, {17, 5, 4}, {25, 5, 5}, {26, 6, 5}, {100, 10, 10}};
        for (int[] e : expected) {
            assertThat(MosaicPacker.columnsFor(e[0])).as("columns for %d", e[0]).isEqualTo(e[1]);
            assertThat(MosaicPacker.rowsFor(e[0])).as("rows for %d", e[0]).isEqualTo(e[2]);
        }
        assertThat(PACKER.widthFor(1)).isEqualTo(184);
        assertThat(PACKER.widthFor(16)).isEqualTo(700);
        assertThat(PACKER.widthFor(25)).isEqualTo(872);
        assertThat(PACKER.widthFor(100)).isEqualTo(1732);
    }

    @Test
    void concurrentPacksAreIdentical() throws Exception {
        List<byte[]> jpegs = MosaicFixtures.jpegs(first(16));
        byte[] reference = PACKER.pack(jpegs).jpeg();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(pool.submit(() -> PACKER.pack(jpegs).jpeg()));
            }
            for (Future<byte[]> f : futures) {
                assertThat(f.get()).isEqualTo(reference);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timing() {
        System.out.println("pack timing (median of 15 after 5 warm-ups; decode + scale + draw + JPEG encode):");
        for (int k : new int[] {1, 4, 9, 16, 25, 100}) {
            List<byte[]> jpegs = MosaicFixtures.jpegs(first(k));
            long[] nanos = new long[15];
            Mosaic m = null;
            for (int i = -5; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                m = PACKER.pack(jpegs);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "  K=%3d  %4dx%-4d px  %7d B  %6.1f ms  (%.2f ms per crop)%n", k, m.width(),
                    m.height(), m.jpegSize(), nanos[nanos.length / 2] / 1e6, nanos[nanos.length / 2] / 1e6 / k);
        }
    }
}
