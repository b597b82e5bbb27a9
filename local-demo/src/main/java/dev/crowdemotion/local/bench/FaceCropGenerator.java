package dev.crowdemotion.local.bench;

import dev.crowdemotion.job.detection.FaceCrop;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.util.List;
import java.util.Random;

/**
 * A real-time source of face crops, standing in for cameras + BlazeFace: {@code stages.length}
 * stages, stage {@code s} producing {@code facesPerSecond * shares[s]} faces per second in frames
 * of {@code facesPerFrame} faces (a frame marker, then its faces, all with the frame's capture
 * time), cycling through {@code crops}.
 *
 * <p><b>Schedule, not wall clock</b>: frames of stage {@code s} are due on average every
 * {@code facesPerFrame / rate_s} seconds: with {@code poisson} arrivals (default) the gaps are
 * exponential (a Poisson process, as many independent cameras would give; seeded, so the
 * schedule is reproducible), with {@code periodic} arrivals they are exact, stages staggered. A
 * frame's due time is its capture time (the record's event time). The source sleeps until a frame is due; if it is held back
 * (backpressure), it emits late frames as soon as it can, with their original capture times, so
 * the end-to-end delay includes any time a face waited to enter the job (as with a Kinesis
 * backlog) and the lag is recorded ({@link BenchRecorder#sourceLag}).
 *
 * <p>The face with global index {@code frameSequence * facesPerFrame + faceIndex} (frame sequence
 * numbers are global across stages) carries crop number {@code index % crops.size()}
 * ({@link BenchRecorder#cropIndex}). Stops {@code durationMs} after {@code t0} (the first
 * {@code run}, which it publishes to the active {@link BenchRecorder}) by the wall clock: frames
 * that were due by then but could not be emitted are counted as not emitted (the backlog a Kinesis
 * stream would hold), so an overloaded job does not make the run last longer. Non-parallel.
 */
final class FaceCropGenerator implements SourceFunction<FaceCrop> {
    private static final long serialVersionUID = 1L;

    private final List<BenchCrops.Crop> crops;
    private final String[] stages;
    private final double[] shares;
    private final double facesPerSecond;
    private final int facesPerFrame;
    private final long durationMs;
    private final boolean poisson;
    private final long seed;
    private volatile boolean running = true;

    FaceCropGenerator(List<BenchCrops.Crop> crops, String[] stages, double[] shares, double facesPerSecond,
                      int facesPerFrame, long durationMs, boolean poisson, long seed) {
        this.poisson = poisson;
        this.seed = seed;
        this.crops = crops;
        this.stages = stages;
        this.shares = shares;
        this.facesPerSecond = facesPerSecond;
        this.facesPerFrame = facesPerFrame;
        this.durationMs = durationMs;
    }

    @Override
    public void run(SourceContext<FaceCrop> ctx) throws Exception {
        BenchRecorder recorder = BenchRecorder.active();
        long t0 = System.currentTimeMillis();
        long end = t0 + durationMs;
        recorder.start(t0);
        int n = stages.length;
        double[] intervalMs = new double[n];
        double[] next = new double[n];
        Random random = new Random(seed);
        for (int s = 0; s < n; s++) {
            intervalMs[s] = 1000.0 * facesPerFrame / (facesPerSecond * shares[s]);
            next[s] = t0 + (poisson ? gap(random, intervalMs[s]) : intervalMs[s] * s / n); // stages do not tick together
        }
        long sequence = 0;
        while (running) {
            int s = 0;
            for (int i = 1; i < n; i++) {
                if (next[i] < next[s]) {
                    s = i;
                }
            }
            long due = (long) next[s];
            if (due >= end || System.currentTimeMillis() >= end) {
                break;
            }
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            String camera = stages[s] + "-cam-1";
            synchronized (ctx.getCheckpointLock()) {
                ctx.collect(FaceCrop.frameMarker(stages[s], camera, due, sequence, facesPerFrame));
                for (int i = 0; i < facesPerFrame; i++) {
                    BenchCrops.Crop c = crops.get(BenchRecorder.cropIndex(sequence, i, facesPerFrame, crops.size()));
                    ctx.collect(FaceCrop.face(stages[s], camera, due, sequence, facesPerFrame, i,
                            c.left(), c.top(), c.width(), c.height(), c.score(), c.jpeg()));
                }
            }
            recorder.offered(s, due, facesPerFrame, System.currentTimeMillis() - due);
            sequence++;
            next[s] += poisson ? gap(random, intervalMs[s]) : intervalMs[s];
        }
        // frames that were due before the end but never emitted (the job held the source back)
        long now = System.currentTimeMillis();
        for (int s = 0; s < n; s++) {
            for (double due = next[s]; due < end; due += poisson ? gap(random, intervalMs[s]) : intervalMs[s]) {
                recorder.notEmitted(s, (long) due, facesPerFrame, now - (long) due);
            }
        }
    }

    /** An exponential gap of mean {@code meanMs}. */
    private static double gap(Random random, double meanMs) {
        return -Math.log(1 - random.nextDouble()) * meanMs;
    }

    @Override
    public void cancel() {
        running = false;
    }
}
