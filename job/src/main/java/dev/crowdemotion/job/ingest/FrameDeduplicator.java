package dev.crowdemotion.job.ingest;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.JobMetrics;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Drops the second and later copies of a frame, keyed by camera id: a frame is identified by
 * (camera id, sequence number), and a copy seen within the TTL becomes a dead letter
 * {@code DUPLICATE_FRAME} (step {@code INGEST}). Copies come from producers that retry a whole
 * PutRecords batch after a partial failure, and from a camera re-sending after a timeout.
 *
 * <p>The sequence numbers seen are kept in keyed {@link MapState} with Flink state TTL
 * ({@code FrameSource.dedupe.ttl.ms}, processing time, refreshed on write only): checkpointed,
 * so a duplicate is still recognised after a restart, and bounded to what a camera sends in the
 * TTL. Counts {@code deadLetters}.
 */
public class FrameDeduplicator extends KeyedProcessFunction<String, CameraFrame, CameraFrame> {
    private static final long serialVersionUID = 1L;

    private final long ttlMs;

    private transient MapState<Long, Boolean> seen;
    private transient Counter deadLetters;

    /** @param ttlMs how long a frame's identity is remembered, ms of processing time; > 0 */
    public FrameDeduplicator(long ttlMs) {
        if (ttlMs <= 0) {
            throw new IllegalArgumentException("dedupe TTL must be > 0 ms, is " + ttlMs);
        }
        this.ttlMs = ttlMs;
    }

    @Override
    public void open(Configuration parameters) {
        MapStateDescriptor<Long, Boolean> descriptor =
                new MapStateDescriptor<>("frame-sequences-seen", Types.LONG, Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getMapState(descriptor);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(CameraFrame frame, Context ctx, Collector<CameraFrame> out) throws Exception {
        long sequence = frame.getSequenceNumber();
        if (seen.contains(sequence)) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, new DeadLetter(DeadLetter.Step.INGEST, "DUPLICATE_FRAME",
                    "camera '" + frame.getCameraId() + "' sent sequence " + sequence + " before")
                    .withFrame(frame));
            return;
        }
        seen.put(sequence, Boolean.TRUE);
        out.collect(frame);
    }
}
