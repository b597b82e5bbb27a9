package dev.crowdemotion.local.bench;

import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scenario measured, filled in by the source and the sinks of the benchmark job. The
 * mini-cluster runs in this JVM and loads the job's classes from the application class loader, so
 * the operators reach the recorder through a static ({@link #active()}), as the job's own
 * mini-cluster tests do. Constant memory (counters, fixed histograms, one bit per face).
 *
 * <p><b>Measured window</b>: faces whose capture time is in {@code [t0 + warmup, t0 + seconds)},
 * {@code t0} being the source's start. Offered and observed counts, outcomes, delays and per-stage
 * counts are over that window; image, agreement and consistency counts are over the whole run.
 *
 * <p><b>Delay</b> of a face: wall-clock time when its {@link FaceObservation} reaches the sink
 * chained right after {@code EnrichmentOutcomes}, minus its capture time.
 */
final class BenchRecorder {
    private static volatile BenchRecorder active;

    final String[] stages;
    final int facesPerFrame;
    final int crops;
    /** Dominant emotion (ordinal) of each crop sent alone, from the reference pass; -1: no face found. */
    final int[] reference;
    final long warmupMs;
    final long measureMs;

    private volatile long t0;
    private volatile long from = Long.MAX_VALUE;
    private volatile long to = Long.MIN_VALUE;

    // source (measured window unless "All"); "offered" = emitted by the source
    final long[] offered;
    final long[] offeredAll;
    long framesLate100ms;
    long maxSourceLagMs;
    /** Faces due (in the window / in the whole run) that the source could not emit before it stopped. */
    long notEmitted;
    long notEmittedAll;
    final long[] notEmittedByStage;
    /** How long the oldest frame not emitted had been due when the source stopped, ms (0: none). */
    long lagAtStopMs;
    // observations
    final long[] observed;
    final long[] enriched;
    final Map<String, Long> outcomes = new TreeMap<>();
    final Map<String, Long> outcomesAll = new TreeMap<>();
    final DelayHistogram delayEnriched = new DelayHistogram();
    final DelayHistogram delayAll = new DelayHistogram();
    /** Delay of every face observed in the whole run (warm-up and tail included). */
    final DelayHistogram delayRun = new DelayHistogram();
    long markersAll;
    long facesAll;
    long enrichedAll;
    long duplicates;
    private final BitSet seen = new BitSet();
    // dominant emotion against the single-crop reference (whole run)
    long compared;
    long agreed;
    long enrichedWithoutReference;
    // window aggregation (whole run)
    long windows;
    long windowFacesDetected;
    long windowFacesEnriched;
    long late;

    BenchRecorder(String[] stages, int facesPerFrame, int[] reference, long warmupMs, long measureMs) {
        this.stages = stages;
        this.facesPerFrame = facesPerFrame;
        this.crops = reference.length;
        this.reference = reference;
        this.warmupMs = warmupMs;
        this.measureMs = measureMs;
        this.offered = new long[stages.length];
        this.notEmittedByStage = new long[stages.length];
        this.offeredAll = new long[stages.length];
        this.observed = new long[stages.length];
        this.enriched = new long[stages.length];
    }

    static BenchRecorder active() {
        BenchRecorder r = active;
        if (r == null) {
            throw new IllegalStateException("no active BenchRecorder");
        }
        return r;
    }

    static void activate(BenchRecorder recorder) {
        active = recorder;
    }

    /** The crop number of face {@code faceIndex} of frame {@code frameSequence}. */
    static int cropIndex(long frameSequence, int faceIndex, int facesPerFrame, int crops) {
        return (int) Math.floorMod(frameSequence * facesPerFrame + faceIndex, (long) crops);
    }

    /** Called by the source when it starts: fixes the measured window. */
    synchronized void start(long t0Ms) {
        t0 = t0Ms;
        from = t0Ms + warmupMs;
        to = t0Ms + measureMs;
    }

    long t0() {
        return t0;
    }

    long from() {
        return from;
    }

    long to() {
        return to;
    }

    boolean measured(long captureTimeMs) {
        return captureTimeMs >= from && captureTimeMs < to;
    }

    /** Called by the source after emitting a frame of {@code faces} faces due at {@code captureTimeMs}, {@code lagMs} late. */
    synchronized void offered(int stage, long captureTimeMs, int faces, long lagMs) {
        offeredAll[stage] += faces;
        if (measured(captureTimeMs)) {
            offered[stage] += faces;
            maxSourceLagMs = Math.max(maxSourceLagMs, lagMs);
            if (lagMs > 100) {
                framesLate100ms++;
            }
        }
    }

    /**
     * Called by the source when it stops, per frame of stage {@code stage} that was due at
     * {@code captureTimeMs} but never emitted, {@code lagMs} ago.
     */
    synchronized void notEmitted(int stage, long captureTimeMs, int faces, long lagMs) {
        notEmittedAll += faces;
        lagAtStopMs = Math.max(lagAtStopMs, lagMs);
        if (measured(captureTimeMs)) {
            notEmitted += faces;
            notEmittedByStage[stage] += faces;
        }
    }

    synchronized void observe(FaceObservation o, long nowMs) {
        if (o.isFrameMarker()) {
            markersAll++;
            return;
        }
        facesAll++;
        long id = o.getFrameSequence() * facesPerFrame + o.getFaceIndex();
        if (id >= 0 && id < Integer.MAX_VALUE) {
            if (seen.get((int) id)) {
                duplicates++;
            }
            seen.set((int) id);
        }
        String outcome = o.isEnriched() ? "ENRICHED" : o.getFailureReason();
        outcomesAll.merge(outcome, 1L, Long::sum);
        delayRun.record(nowMs - o.getCaptureTimeMs());
        if (o.isEnriched()) {
            enrichedAll++;
            int ref = reference[cropIndex(o.getFrameSequence(), o.getFaceIndex(), facesPerFrame, crops)];
            if (ref < 0) {
                enrichedWithoutReference++;
            } else {
                compared++;
                if (o.dominantEmotion().ordinal() == ref) {
                    agreed++;
                }
            }
        }
        if (!measured(o.getCaptureTimeMs())) {
            return;
        }
        int s = stageIndex(o.getStageId());
        long delay = nowMs - o.getCaptureTimeMs();
        outcomes.merge(outcome, 1L, Long::sum);
        delayAll.record(delay);
        if (s >= 0) {
            observed[s]++;
        }
        if (o.isEnriched()) {
            delayEnriched.record(delay);
            if (s >= 0) {
                enriched[s]++;
            }
        }
    }

    synchronized void score(StageWindowScore score) {
        windows++;
        windowFacesDetected += score.getFacesDetected();
        windowFacesEnriched += score.getFacesEnriched();
    }

    synchronized void late() {
        late++;
    }

    private int stageIndex(String stage) {
        for (int i = 0; i < stages.length; i++) {
            if (stages[i].equals(stage)) {
                return i;
            }
        }
        return -1;
    }

    /** Faces seen at least once (whole run). */
    synchronized long distinctFaces() {
        return seen.cardinality();
    }

    synchronized long offeredTotal() {
        long n = 0;
        for (long v : offered) {
            n += v;
        }
        return n;
    }

    synchronized long offeredAllTotal() {
        long n = 0;
        for (long v : offeredAll) {
            n += v;
        }
        return n;
    }

    synchronized Map<String, Long> outcomes() {
        return new LinkedHashMap<>(outcomes);
    }

    /** Records every observation with its arrival time. */
    static final class ObservationSink implements SinkFunction<FaceObservation> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(FaceObservation value, Context context) {
            active().observe(value, System.currentTimeMillis());
        }
    }

    /** Counts the window scores. */
    static final class ScoreSink implements SinkFunction<StageWindowScore> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(StageWindowScore value, Context context) {
            active().score(value);
        }
    }

    /** Counts observations that arrived after their window closed. */
    static final class LateSink implements SinkFunction<FaceObservation> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(FaceObservation value, Context context) {
            active().late();
        }
    }
}
