package dev.crowdemotion.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmotionClassifierTest {
    private static EmotionClassifier classifier;
    private static BlazeFaceDetector detector;

    @BeforeAll
    static void load() {
        classifier = EmotionClassifier.loadDefault();
        detector = BlazeFaceDetector.loadDefault();
    }

    @AfterAll
    static void close() {
        classifier.close();
        detector.close();
    }

    private static float sum(float[] p) {
        float s = 0;
        for (float v : p) {
            s += v;
        }
        return s;
    }

    private static String describe(float[] p) {
        StringBuilder sb = new StringBuilder();
        for (FerExpression e : FerExpression.values()) {
            sb.append(String.format(java.util.Locale.ROOT, "%s=%.3f ", e, p[e.ordinal()]));
        }
        return sb.toString().trim();
    }

    @Test
    void theSmilingAstronautIsHappy() {
        BufferedImage frame = TestData.image("images/astronaut.png");
        List<FaceBox> faces = detector.detect(frame);
        assertThat(faces).hasSize(1);
        BufferedImage crop = Images.crop(frame, faces.get(0), 0.2f);
        float[] p = classifier.classify(crop);
        System.out.println("astronaut.png face: " + describe(p));
        assertThat(p).hasSize(7);
        assertThat(sum(p)).isCloseTo(1f, offset(1e-3f));
        for (float v : p) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(EmotionClassifier.dominant(p)).isEqualTo(FerExpression.HAPPY);
        assertThat(p[FerExpression.HAPPY.ordinal()]).isGreaterThan(0.5f);

        // classifying the box in place equals classifying the crop (same pixels, same resize)
        float[] inPlace = classifier.classify(frame, faces.get(0), 0.2f);
        for (int i = 0; i < 7; i++) {
            assertThat(inPlace[i]).isCloseTo(p[i], offset(1e-4f));
        }
    }

    @Test
    void batchesMatchSingleCallsAndDifferentFacesDiffer() {
        BufferedImage astro = TestData.image("images/astronaut.png");
        BufferedImage hopper = TestData.image("images/grace_hopper_512x512.jpg");
        BufferedImage a = Images.crop(astro, detector.detect(astro).get(0), 0.2f);
        BufferedImage h = Images.crop(hopper, detector.detect(hopper).get(0), 0.2f);
        List<float[]> batch = classifier.classifyBatch(List.of(a, h, a));
        assertThat(batch).hasSize(3);
        float[] sa = classifier.classify(a);
        float[] sh = classifier.classify(h);
        System.out.println("grace_hopper_512x512.jpg face: " + describe(sh));
        for (int i = 0; i < 7; i++) {
            assertThat(batch.get(0)[i]).isCloseTo(sa[i], offset(1e-4f));
            assertThat(batch.get(1)[i]).isCloseTo(sh[i], offset(1e-4f));
            assertThat(batch.get(2)[i]).isCloseTo(sa[i], offset(1e-4f));
        }
        assertThat(sum(sh)).isCloseTo(1f, offset(1e-3f));
        assertThat(sh[FerExpression.HAPPY.ordinal()]).isLessThan(sa[FerExpression.HAPPY.ordinal()]);
        assertThat(classifier.classifyBatch(List.of())).isEmpty();
    }

    @Test
    void concurrentCallsAgree() throws Exception {
        BufferedImage astro = TestData.image("images/astronaut.png");
        BufferedImage crop = Images.crop(astro, detector.detect(astro).get(0), 0.2f);
        float[] expected = classifier.classify(crop);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                fs.add(pool.submit(() -> classifier.classify(crop)));
            }
            for (Future<float[]> f : fs) {
                assertThat(Arrays.equals(f.get(), expected)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> EmotionClassifier.dominant(new float[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> classifier.classify(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> EmotionClassifier.load(0)).isInstanceOf(IllegalArgumentException.class);
        EmotionClassifier c = EmotionClassifier.loadDefault();
        c.close();
        assertThatThrownBy(() -> c.classify(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)))
                .isInstanceOf(IllegalStateException.class);
    }
}
