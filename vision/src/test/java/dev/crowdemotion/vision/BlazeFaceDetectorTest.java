package dev.crowdemotion.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlazeFaceDetectorTest {
    private static BlazeFaceDetector detector;

    @BeforeAll
    static void load() {
        detector = BlazeFaceDetector.loadDefault();
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    /** Landmarks read off the photo (eyes, nose tip, mouth centre) must lie inside the box. */
    private static void assertFaceAt(FaceBox box, int[][] landmarks, float interocular) {
        for (int[] p : landmarks) {
            assertThat(p[0]).as("landmark x of %s", box).isBetween((int) box.x(), (int) (box.x() + box.width()));
            assertThat(p[1]).as("landmark y of %s", box).isBetween((int) box.y(), (int) (box.y() + box.height()));
        }
        // a face box is roughly 2-3 interocular distances wide and not very elongated
        assertThat(box.width()).isBetween(1.5f * interocular, 4f * interocular);
        assertThat(box.height() / box.width()).isBetween(0.7f, 1.4f);
        float cx = 0;
        float cy = 0;
        for (int[] p : landmarks) {
            cx += p[0] / (float) landmarks.length;
            cy += p[1] / (float) landmarks.length;
        }
        assertThat(Math.abs(box.x() + box.width() / 2 - cx)).isLessThan(0.2f * box.width());
        assertThat(Math.abs(box.y() + box.height() / 2 - cy)).isLessThan(0.25f * box.height());
    }

    @Test
    void findsTheAstronautsFace() {
        BufferedImage img = TestData.image("images/astronaut.png");
        List<FaceBox> faces = detector.detect(img);
        System.out.println("astronaut.png: " + faces);
        assertThat(faces).hasSize(1);
        FaceBox f = faces.get(0);
        assertThat(f.score()).isGreaterThanOrEqualTo(detector.options().minScore());
        // eyes, nose tip, mouth centre of the 512x512 photo (upper middle: the face is above the suit)
        assertFaceAt(f, new int[][] {{205, 110}, {245, 110}, {225, 128}, {225, 147}}, 40);
        assertThat(f.y() + f.height()).isLessThan(img.getHeight() / 2f);
    }

    @Test
    void findsGraceHoppersFace() {
        List<FaceBox> faces = detector.detect(TestData.image("images/grace_hopper_512x512.jpg"));
        System.out.println("grace_hopper_512x512.jpg: " + faces);
        assertThat(faces).hasSize(1);
        assertFaceAt(faces.get(0), new int[][] {{215, 185}, {305, 185}, {262, 230}, {262, 265}}, 90);
    }

    @Test
    void findsTheSmallFaceInCamera() {
        List<FaceBox> faces = detector.detect(TestData.image("images/camera.png"));
        System.out.println("camera.png: " + faces);
        assertThat(faces).hasSize(1);
        FaceBox f = faces.get(0);
        // the photographer's face, about 70 px, right of centre in the upper half of the 512x512 photo
        assertThat(f.width()).isBetween(40f, 110f);
        assertThat(f.x() + f.width() / 2).isBetween(190f, 250f);
        assertThat(f.y() + f.height() / 2).isBetween(130f, 190f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"images/chelsea.png", "images/coffee.png", "images/rocket.jpg", "images/hubble_deep_field.jpg"})
    void findsNoFaceWhereThereIsNone(String file) {
        List<FaceBox> faces = detector.detect(TestData.image(file));
        assertThat(faces).as(file).isEmpty();
    }

    @Test
    void theCatIsOnlyRejectedByVerification() {
        // Guards the reason the verification stage exists: BlazeFace back-256 alone takes the cat
        // in chelsea.png for a face (score ~0.79).
        try (BlazeFaceDetector unverified = BlazeFaceDetector.load(
                DetectorOptions.builder().verify(false).build())) {
            assertThat(unverified.detect(TestData.image("images/chelsea.png"))).isNotEmpty();
        }
    }

    @Test
    void vocRecallAndFalsePositives() {
        Map<String, List<FaceBox>> truth = TestData.vocFaces();
        assertThat(truth).hasSize(9).doesNotContainKey("bald_guys.jpg");
        Map<String, int[]> perMode = new LinkedHashMap<>();
        for (boolean tiling : new boolean[] {true, false}) {
            DetectorOptions o = DetectorOptions.builder().tiling(tiling).build();
            try (BlazeFaceDetector d = tiling ? null : BlazeFaceDetector.load(o)) {
                BlazeFaceDetector det = tiling ? detector : d;
                int labelled = 0;
                int matched = 0;
                int falsePositives = 0;
                for (Map.Entry<String, List<FaceBox>> e : truth.entrySet()) {
                    List<FaceBox> found = det.detect(TestData.image("faces-voc/" + e.getKey()));
                    int[] m = match(e.getValue(), found, 0.4f);
                    labelled += e.getValue().size();
                    matched += m[0];
                    falsePositives += m[1];
                    System.out.printf(Locale.ROOT, "  %s tiling=%s: %d/%d faces, %d false positives%n",
                            e.getKey(), tiling, m[0], e.getValue().size(), m[1]);
                }
                perMode.put("tiling=" + tiling, new int[] {matched, labelled, falsePositives});
                System.out.printf(Locale.ROOT, "VOC faces, %s: recall %d/%d = %.3f at IoU >= 0.4, %d false positives%n",
                        o, matched, labelled, matched / (double) labelled, falsePositives);
            }
        }
        int[] def = perMode.get("tiling=true");
        assertThat(def[1]).isEqualTo(43);
        assertThat(def[0] / (double) def[1]).as("recall with the defaults").isGreaterThanOrEqualTo(0.8);
        assertThat(def[2]).as("false positives with the defaults").isLessThanOrEqualTo(2);
        int[] noTiling = perMode.get("tiling=false");
        assertThat(noTiling[2]).as("false positives without tiling").isLessThanOrEqualTo(2);
    }

    /** Greedy one-to-one matching by IoU: {matched labels, unmatched detections}. */
    static int[] match(List<FaceBox> truth, List<FaceBox> found, float minIou) {
        boolean[] used = new boolean[found.size()];
        int matched = 0;
        for (FaceBox t : truth) {
            int best = -1;
            float bestIou = minIou;
            for (int i = 0; i < found.size(); i++) {
                float iou = found.get(i).iou(t);
                if (!used[i] && iou >= bestIou) {
                    best = i;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched++;
            }
        }
        int fp = 0;
        for (boolean u : used) {
            fp += u ? 0 : 1;
        }
        return new int[] {matched, fp};
    }

    /**
     * The 9 labelled VOC photos pasted into one 2000 x 1500 frame (4 x 3 cells of 500 px on grey):
     * a large frame with 43 small (28-109 px) labelled faces.
     */
    static BufferedImage vocCollage(List<FaceBox> truthOut) {
        BufferedImage canvas = new BufferedImage(2000, 1500, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = canvas.createGraphics();
        g.setColor(java.awt.Color.GRAY);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        int k = 0;
        for (Map.Entry<String, List<FaceBox>> e : TestData.vocFaces().entrySet()) {
            int ox = (k % 4) * 500;
            int oy = (k / 4) * 500;
            k++;
            g.drawImage(TestData.image("faces-voc/" + e.getKey()), ox, oy, null);
            for (FaceBox b : e.getValue()) {
                truthOut.add(new FaceBox(b.x() + ox, b.y() + oy, b.width(), b.height(), 1f));
            }
        }
        g.dispose();
        return canvas;
    }

    @Test
    void findsSmallFacesInALargeFrame() {
        List<FaceBox> truth = new ArrayList<>();
        BufferedImage collage = vocCollage(truth);
        assertThat(truth).hasSize(43);
        int[] m = match(truth, detector.detect(collage), 0.4f);
        System.out.printf(Locale.ROOT, "VOC collage 2000x1500, defaults (%d regions): recall %d/43 = %.3f, %d false positives%n",
                BlazeFaceDetector.regions(2000, 1500, detector.options()).size(), m[0], m[0] / 43.0, m[1]);
        assertThat(m[0] / 43.0).isGreaterThanOrEqualTo(0.8);
        assertThat(m[1]).isLessThanOrEqualTo(2);
        try (BlazeFaceDetector plain = BlazeFaceDetector.load(DetectorOptions.builder().tiling(false).build())) {
            int[] p = match(truth, plain.detect(collage), 0.4f);
            System.out.printf(Locale.ROOT, "VOC collage 2000x1500, no tiling: recall %d/43, %d false positives%n", p[0], p[1]);
            // the reason tiling exists: at 256x256 the whole frame shrinks these faces to 5-7 px
            assertThat(p[0]).isLessThan(m[0] / 2);
        }
    }

    @Test
    void concurrentDetectionGivesTheSameResultsAsSequential() throws Exception {
        String[] files = {"images/astronaut.png", "images/grace_hopper_512x512.jpg", "faces-voc/2008_002470.jpg",
            "faces-voc/2008_007676.jpg", "images/chelsea.png", "faces-voc/2007_007763.jpg"};
        List<BufferedImage> images = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String f : files) {
            BufferedImage img = TestData.image(f);
            images.add(img);
            expected.add(detector.detect(img).toString());
        }
        int threads = 6;
        int rounds = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int t = 0; t < threads; t++) {
                    int k = (t + r) % images.size();
                    which.add(k);
                    Callable<String> c = () -> detector.detect(images.get(k)).toString();
                    results.add(pool.submit(c));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).as(files[which.get(i)]).isEqualTo(expected.get(which.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timing() {
        BufferedImage small = TestData.image("images/grace_hopper_512x512.jpg");
        BufferedImage voc = TestData.image("faces-voc/2008_007676.jpg");
        BufferedImage large = vocCollage(new ArrayList<>());
        List<BufferedImage> frames = new ArrayList<>(List.of(small, voc, large));
        try (BlazeFaceDetector plain = BlazeFaceDetector.load(DetectorOptions.builder().tiling(false).build())) {
            for (BufferedImage img : frames) {
                double tiled = msPerFrame(detector, img);
                double untiled = msPerFrame(plain, img);
                System.out.printf(Locale.ROOT, "detect %dx%d (one thread, %d faces): %.1f ms with tiling (%d regions),"
                                + " %.1f ms without%n", img.getWidth(), img.getHeight(), detector.detect(img).size(),
                        tiled, BlazeFaceDetector.regions(img.getWidth(), img.getHeight(), detector.options()).size(),
                        untiled);
                // generous bound: catches pathological slowness (e.g. per-pixel Java2D calls), not noise
                assertThat(tiled).isLessThan(2000);
            }
        }
    }

    private static double msPerFrame(BlazeFaceDetector d, BufferedImage img) {
        for (int i = 0; i < 2; i++) {
            d.detect(img);
        }
        int n = 5;
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            d.detect(img);
        }
        return (System.nanoTime() - t) / 1e6 / n;
    }

    @Test
    void regionsCoverTheFrameWithOverlap() {
        DetectorOptions o = DetectorOptions.defaults();
        assertThat(BlazeFaceDetector.regions(300, 200, o)).hasSize(1); // small frame: whole frame only
        List<int[]> r = BlazeFaceDetector.regions(500, 375, o);
        assertThat(r.get(0)).containsExactly(0, 0, 500, 375);
        assertThat(r).hasSize(5);
        for (int[] t : r.subList(1, r.size())) {
            assertThat(t[2]).isEqualTo(320);
            assertThat(t[0] + t[2]).isLessThanOrEqualTo(500);
            assertThat(t[1] + t[3]).isLessThanOrEqualTo(375);
        }
        List<int[]> hd = BlazeFaceDetector.regions(1920, 1080, o);
        assertThat(hd.size() - 1).isBetween(9, o.maxTiles());
        System.out.println("1920x1080 frame: " + (hd.size() - 1) + " tiles of " + hd.get(1)[2] + " px");
        List<int[]> big = BlazeFaceDetector.regions(1986, 1545, o);
        assertThat(big.size() - 1).isLessThanOrEqualTo(o.maxTiles());
        // every pixel is inside some tile
        boolean[][] covered = new boolean[1545][1986];
        for (int[] t : big.subList(1, big.size())) {
            for (int y = t[1]; y < t[1] + t[3]; y++) {
                for (int x = t[0]; x < t[0] + t[2]; x++) {
                    covered[y][x] = true;
                }
            }
        }
        for (boolean[] row : covered) {
            for (boolean c : row) {
                assertThat(c).isTrue();
            }
        }
        assertThat(BlazeFaceDetector.regions(500, 375, o.toBuilder().tiling(false).build())).hasSize(1);
    }

    @Test
    void weightedNmsAveragesOverlappingBoxesByScore() {
        FaceBox a = new FaceBox(0, 0, 10, 10, 0.9f);
        FaceBox b = new FaceBox(2, 0, 10, 10, 0.3f); // IoU with a = 80/120 = 0.67
        FaceBox far = new FaceBox(50, 50, 10, 10, 0.7f);
        List<FaceBox> out = BlazeFaceDetector.weightedNms(List.of(b, far, a), 0.3f);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).score()).isEqualTo(0.9f);
        assertThat(out.get(0).x()).isCloseTo((0 * 0.9f + 2 * 0.3f) / 1.2f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(out.get(0).width()).isCloseTo(10f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(out.get(1)).usingRecursiveComparison().isEqualTo(far);
    }

    @Test
    void tinyAndOddImagesWork() {
        assertThat(detector.detect(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB))).isEmpty();
        assertThat(detector.detect(new BufferedImage(3000, 20, BufferedImage.TYPE_BYTE_GRAY))).isEmpty();
        // the same photo as TYPE_INT_ARGB and as a sub-image view gives the same face
        BufferedImage astro = TestData.image("images/astronaut.png");
        BufferedImage argb = new BufferedImage(512, 512, BufferedImage.TYPE_INT_ARGB);
        argb.createGraphics().drawImage(astro, 0, 0, null);
        assertThat(detector.detect(argb).toString()).isEqualTo(detector.detect(astro).toString());
        BufferedImage padded = new BufferedImage(600, 600, BufferedImage.TYPE_3BYTE_BGR);
        padded.createGraphics().drawImage(astro, 50, 40, null);
        List<FaceBox> sub = detector.detect(padded.getSubimage(50, 40, 512, 512));
        assertThat(sub).hasSize(1);
        assertThat(sub.get(0).iou(detector.detect(astro).get(0))).isGreaterThan(0.95f);
    }

    @Test
    void optionsAreValidatedAndClosedDetectorsRefuseWork() {
        assertThatThrownBy(() -> DetectorOptions.builder().minScore(1.5f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DetectorOptions.builder().nmsIouThreshold(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DetectorOptions.builder().tileSize(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DetectorOptions.builder().tileOverlap(0.9f)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DetectorOptions.defaults().toBuilder().build()).isEqualTo(DetectorOptions.defaults());
        BlazeFaceDetector d = BlazeFaceDetector.load(DetectorOptions.builder().verify(false).tiling(false).build());
        d.close();
        d.close(); // idempotent
        assertThatThrownBy(() -> d.detect(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> detector.detect(null)).isInstanceOf(NullPointerException.class);
    }
}
