package dev.crowdemotion.job.async;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.streaming.runtime.tasks.StreamTask;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Flink's {@link AsyncWaitOperator}, except that an {@code IDLE} watermark status never overtakes a
 * watermark still waiting in the operator's queue.
 *
 * <p>Why: in Flink 1.20 the async operator queues each watermark behind the elements in flight
 * but forwards a watermark status at once. When the source goes idle ({@code idleness.ms} without
 * records) while elements are still in flight, the {@code IDLE} status reaches the output first,
 * and the watermark that follows is then dropped by the output ({@code RecordWriterOutput} and
 * {@code ChainingOutput} discard watermarks while idle): the last windows never fire. (Flink fixed
 * the same ordering for async state processing in FLINK-36892, not for async I/O.) Here an
 * {@code IDLE} status is held while a watermark received is not yet emitted, and forwarded, from
 * a processing-time timer on the task thread, once it is; an {@code ACTIVE} status cancels it.
 *
 * <p>With {@code forwardIdle = false} the operator never announces {@code IDLE}. Use it where the
 * async output later meets a faster path from the same upstream operator (Rekognition enrichment:
 * the side output of frame markers joins it in {@code EnrichmentOutcomes}): if the async channel
 * turns idle and active again, the downstream valve may see the fast path's next watermark
 * before the async channel's {@code ACTIVE}, take it as the output watermark, and then ignore the
 * async channel as unaligned while it catches up, so the calls in flight arrive after their
 * window fired. Measured in edge mode through kinesis-mock before this: late faces in 6 of 9 runs.
 * Staying active is safe behind a {@code keyBy}: every instance of the keyed upstream operator
 * receives, and forwards, the watermarks of all its inputs, including the flushed maximum when
 * they all go idle.
 *
 * <p>Built by {@link IdleSafeAsyncWaitOperatorFactory}; relies on Flink's internal operator API
 * and is pinned to the Flink version in the parent pom (tested in {@code IdleSafeAsyncWaitOperatorTest}).
 */
public class IdleSafeAsyncWaitOperator<IN, OUT> extends AsyncWaitOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;
    /** How often a held {@code IDLE} status checks whether the queued watermark has gone out, ms. */
    static final long IDLE_CHECK_INTERVAL_MS = 20;

    private final boolean forwardIdle;
    private long lastReceivedWatermark = Long.MIN_VALUE;
    private long lastEmittedWatermark = Long.MIN_VALUE;
    private boolean idleHeld;

    /**
     * Same arguments as {@link AsyncWaitOperator}'s constructor, plus:
     *
     * @param forwardIdle whether an {@code IDLE} status is forwarded at all (once the queued
     *     watermark is out); {@code false} keeps the output active for good, see
     *     {@link IdleSafeAsyncWaitOperatorFactory#unorderedWait}
     */
    public IdleSafeAsyncWaitOperator(AsyncFunction<IN, OUT> asyncFunction, long timeout, int capacity,
                                     AsyncDataStream.OutputMode outputMode, AsyncRetryStrategy<OUT> retryStrategy,
                                     ProcessingTimeService processingTimeService, MailboxExecutor mailboxExecutor,
                                     boolean forwardIdle) {
        super(asyncFunction, timeout, capacity, outputMode, retryStrategy, processingTimeService, mailboxExecutor);
        this.forwardIdle = forwardIdle;
    }

    @Override
    public void setup(StreamTask<?, ?> containingTask, StreamConfig config, Output<StreamRecord<OUT>> output) {
        super.setup(containingTask, config, new WatermarkTrackingOutput(output));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        lastReceivedWatermark = Math.max(lastReceivedWatermark, mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle() && !forwardIdle) {
            return;
        }
        if (status.isIdle() && lastEmittedWatermark < lastReceivedWatermark) {
            if (!idleHeld) {
                idleHeld = true;
                scheduleIdleCheck();
            }
            return;
        }
        idleHeld = false;
        super.processWatermarkStatus(status);
    }

    private void scheduleIdleCheck() {
        ProcessingTimeService time = getProcessingTimeService();
        time.registerTimer(time.getCurrentProcessingTime() + IDLE_CHECK_INTERVAL_MS, t -> {
            if (!idleHeld) {
                return;
            }
            if (lastEmittedWatermark >= lastReceivedWatermark) {
                idleHeld = false;
                super.processWatermarkStatus(WatermarkStatus.IDLE);
            } else {
                scheduleIdleCheck();
            }
        });
    }

    /** Passes everything on, noting the watermarks the operator emits. */
    private final class WatermarkTrackingOutput implements Output<StreamRecord<OUT>> {
        private final Output<StreamRecord<OUT>> out;

        WatermarkTrackingOutput(Output<StreamRecord<OUT>> out) {
            this.out = out;
        }

        @Override
        public void emitWatermark(Watermark mark) {
            lastEmittedWatermark = Math.max(lastEmittedWatermark, mark.getTimestamp());
            out.emitWatermark(mark);
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {
            out.emitWatermarkStatus(watermarkStatus);
        }

        @Override
        public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
            out.collect(outputTag, record);
        }

        @Override
        public void emitLatencyMarker(LatencyMarker latencyMarker) {
            out.emitLatencyMarker(latencyMarker);
        }

        @Override
        public void emitRecordAttributes(RecordAttributes recordAttributes) {
            out.emitRecordAttributes(recordAttributes);
        }

        @Override
        public void collect(StreamRecord<OUT> record) {
            out.collect(record);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
