package dev.crowdemotion.vision;

import java.io.Serializable;
import java.util.Locale;

/**
 * Immutable settings of a {@link BlazeFaceDetector}. Serializable, so a Flink operator can carry
 * them and build its detector in {@code open()}. Build with {@link #builder()}; {@link #defaults()}
 * are the values below.
 *
 * <p>Defaults and where they come from (measurements: {@code BlazeFaceDetectorTest} on the photos
 * in {@code data/}, one core of an x86 server):
 * <ul>
 *   <li>{@code minScore} {@value #DEFAULT_MIN_SCORE}: minimum sigmoid score of a back-256
 *       detection, 0..1. MediaPipe's BlazeFace graphs use 0.5 to 0.75; 0.6 is also the project's
 *       configured default ({@code Detection/min.score}). Labelled faces in the VOC photos score
 *       0.71-0.97 with tiling, 0.62-0.96 without.</li>
 *   <li>{@code nmsIouThreshold} {@value #DEFAULT_NMS_IOU_THRESHOLD}: detections overlapping the
 *       best remaining one by more than this IoU are merged into it by score-weighted averaging;
 *       0.3 is MediaPipe's {@code min_suppression_threshold} for BlazeFace.</li>
 *   <li>{@code tiling} on, {@code tileSize} {@value #DEFAULT_TILE_SIZE} px, {@code tileOverlap}
 *       {@value #DEFAULT_TILE_OVERLAP}, {@code maxTiles} {@value #DEFAULT_MAX_TILES}: besides the
 *       whole frame, run the model on overlapping square tiles, which lifts the scores of
 *       30-40 px faces in 500 px photos (from as low as 0.62 to at least 0.71) and finds small
 *       faces in large frames: on a 2000 x 1500 collage of the VOC photos (37 px faces) recall
 *       is 43/43 with 25 tiles, 42/43 with 16 and 38/43 with 9. 320 px tiles put a 500 x 375 frame
 *       on a 2 x 2 grid (1 + 4 model runs of about 5-6 ms each on one core); 16 tiles put a
 *       1920 x 1080 frame on a 5 x 3 grid of 517 px tiles (1 + 15 runs, about 100 ms plus
 *       verification).</li>
 *   <li>{@code verify} on, {@code verifyMinScore} {@value #DEFAULT_VERIFY_MIN_SCORE}: each
 *       detection must be confirmed by BlazeFace front-128 on a crop twice its size. Back-256 alone
 *       takes the cat in {@code chelsea.png} for a face (0.79) and a tile of {@code rocket.jpg}
 *       too (0.75); the front model scores those 0.40-0.57, and every labelled face 0.75 or
 *       more. About 1.5 ms per detection.</li>
 *   <li>{@code intraOpThreads} {@value #DEFAULT_INTRA_OP_THREADS}: ONNX Runtime threads per
 *       inference. One, because Flink already runs one detector call per parallel subtask and
 *       oversubscribing the vCPUs of a Managed Flink KPU only adds contention.</li>
 * </ul>
 */
public final class DetectorOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final float DEFAULT_MIN_SCORE = 0.6f;
    public static final float DEFAULT_NMS_IOU_THRESHOLD = 0.3f;
    public static final boolean DEFAULT_TILING = true;
    public static final int DEFAULT_TILE_SIZE = 320;
    public static final float DEFAULT_TILE_OVERLAP = 0.25f;
    public static final int DEFAULT_MAX_TILES = 16;
    public static final int DEFAULT_INTRA_OP_THREADS = 1;
    public static final boolean DEFAULT_VERIFY = true;
    public static final float DEFAULT_VERIFY_MIN_SCORE = 0.65f;

    private static final DetectorOptions DEFAULTS = builder().build();

    private final float minScore;
    private final float nmsIouThreshold;
    private final boolean tiling;
    private final int tileSize;
    private final float tileOverlap;
    private final int maxTiles;
    private final int intraOpThreads;
    private final boolean verify;
    private final float verifyMinScore;

    private DetectorOptions(Builder b) {
        this.minScore = b.minScore;
        this.nmsIouThreshold = b.nmsIouThreshold;
        this.tiling = b.tiling;
        this.tileSize = b.tileSize;
        this.tileOverlap = b.tileOverlap;
        this.maxTiles = b.maxTiles;
        this.intraOpThreads = b.intraOpThreads;
        this.verify = b.verify;
        this.verifyMinScore = b.verifyMinScore;
    }

    /** The defaults listed in the class comment. */
    public static DetectorOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.minScore = minScore;
        b.nmsIouThreshold = nmsIouThreshold;
        b.tiling = tiling;
        b.tileSize = tileSize;
        b.tileOverlap = tileOverlap;
        b.maxTiles = maxTiles;
        b.intraOpThreads = intraOpThreads;
        b.verify = verify;
        b.verifyMinScore = verifyMinScore;
        return b;
    }

    /** Minimum detection score (sigmoid of the model's logit), 0..1. */
    public float minScore() { return minScore; }

    /** IoU above which detections are merged by weighted NMS, 0..1. */
    public float nmsIouThreshold() { return nmsIouThreshold; }

    /** Whether overlapping tiles are analysed in addition to the whole frame. */
    public boolean tiling() { return tiling; }

    /**
     * Side of a square tile in frame pixels (before it is resized to the model's 256x256 input).
     * Tiling applies only to frames whose longer side exceeds 1.25 times this.
     */
    public int tileSize() { return tileSize; }

    /** Overlap of neighbouring tiles as a fraction of {@link #tileSize()}, 0..0.75. */
    public float tileOverlap() { return tileOverlap; }

    /**
     * Upper bound on the number of tiles per frame; larger frames get proportionally larger
     * tiles (so on very large frames tiling finds relatively smaller faces only).
     */
    public int maxTiles() { return maxTiles; }

    /** ONNX Runtime intra-op threads per inference, &gt;= 1. */
    public int intraOpThreads() { return intraOpThreads; }

    /**
     * Whether each detection is confirmed by the second model (BlazeFace front-128 on a crop
     * twice the size of the box); see {@link BlazeFaceDetector}.
     */
    public boolean verify() { return verify; }

    /** Minimum score of the confirming front-128 detection, 0..1. */
    public float verifyMinScore() { return verifyMinScore; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DetectorOptions)) {
            return false;
        }
        DetectorOptions d = (DetectorOptions) o;
        return minScore == d.minScore && nmsIouThreshold == d.nmsIouThreshold && tiling == d.tiling
                && tileSize == d.tileSize && tileOverlap == d.tileOverlap && maxTiles == d.maxTiles
                && intraOpThreads == d.intraOpThreads && verify == d.verify && verifyMinScore == d.verifyMinScore;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(minScore, nmsIouThreshold, tiling, tileSize, tileOverlap, maxTiles,
                intraOpThreads, verify, verifyMinScore);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "DetectorOptions[minScore=%.2f nmsIou=%.2f tiling=%s tileSize=%d tileOverlap=%.2f maxTiles=%d"
                        + " verify=%s verifyMinScore=%.2f intraOpThreads=%d]",
                minScore, nmsIouThreshold, tiling, tileSize, tileOverlap, maxTiles, verify, verifyMinScore,
                intraOpThreads);
    }

    /** Builder for {@link DetectorOptions}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private float minScore = DEFAULT_MIN_SCORE;
        private float nmsIouThreshold = DEFAULT_NMS_IOU_THRESHOLD;
        private boolean tiling = DEFAULT_TILING;
        private int tileSize = DEFAULT_TILE_SIZE;
        private float tileOverlap = DEFAULT_TILE_OVERLAP;
        private int maxTiles = DEFAULT_MAX_TILES;
        private int intraOpThreads = DEFAULT_INTRA_OP_THREADS;
        private boolean verify = DEFAULT_VERIFY;
        private float verifyMinScore = DEFAULT_VERIFY_MIN_SCORE;

        private Builder() {}

        /** @throws IllegalArgumentException unless 0 &lt;= v &lt;= 1 */
        public Builder minScore(float v) {
            this.minScore = check(v, 0, 1, "minScore");
            return this;
        }

        /** @throws IllegalArgumentException unless 0 &lt; v &lt;= 1 */
        public Builder nmsIouThreshold(float v) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("nmsIouThreshold must be in (0, 1], got " + v);
            }
            this.nmsIouThreshold = check(v, 0, 1, "nmsIouThreshold");
            return this;
        }

        public Builder tiling(boolean v) {
            this.tiling = v;
            return this;
        }

        /** @throws IllegalArgumentException if v &lt; 64 */
        public Builder tileSize(int v) {
            if (v < 64) {
                throw new IllegalArgumentException("tileSize must be >= 64 px, got " + v);
            }
            this.tileSize = v;
            return this;
        }

        /** @throws IllegalArgumentException unless 0 &lt;= v &lt;= 0.75 */
        public Builder tileOverlap(float v) {
            this.tileOverlap = check(v, 0, 0.75f, "tileOverlap");
            return this;
        }

        /** @throws IllegalArgumentException if v &lt; 1 */
        public Builder maxTiles(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxTiles must be >= 1, got " + v);
            }
            this.maxTiles = v;
            return this;
        }

        /** @throws IllegalArgumentException if v &lt; 1 */
        public Builder intraOpThreads(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + v);
            }
            this.intraOpThreads = v;
            return this;
        }

        public Builder verify(boolean v) {
            this.verify = v;
            return this;
        }

        /** @throws IllegalArgumentException unless 0 &lt;= v &lt;= 1 */
        public Builder verifyMinScore(float v) {
            this.verifyMinScore = check(v, 0, 1, "verifyMinScore");
            return this;
        }

        public DetectorOptions build() {
            return new DetectorOptions(this);
        }

        private static float check(float v, float lo, float hi, String name) {
            if (!(v >= lo && v <= hi)) {
                throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
            }
            return v;
        }
    }
}
