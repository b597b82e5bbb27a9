package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.job.detection.FaceCrop;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Groups one stage's face crops (keyed by stage) into {@link FaceBatch}es of up to
 * {@code maxFaces} crops of the same event-time window, for mosaic DetectFaces calls.
 *
 * <p>A batch is emitted as soon as it is full, or when the watermark reaches the end of its
 * window (an event-time timer at {@code windowEnd - 1}), which is before the window downstream
 * can fire: so batching never makes a face late, and a quiet stage's partial batch waits at most
 * until its window would close anyway. Every emitted record keeps a timestamp in its window.
 * Frame markers pass straight through. With {@code maxFaces == 1} every crop passes straight
 * through (single-crop mode). Buffered crops are keyed state: at most {@code maxFaces - 1} per
 * open window of a stage, restored with checkpoints.
 */
public class FaceBatcher extends KeyedProcessFunction<String, FaceCrop, FaceBatch> {
    private static final long serialVersionUID = 1L;

    private final int maxFaces;
    private final long windowSizeMs;
    private transient ListState<FaceCrop> buffer;

    /**
     * @param maxFaces crops per batch, 1..100
     * @param windowSizeMs length of the tumbling event-time windows downstream, ms
     */
    public FaceBatcher(int maxFaces, long windowSizeMs) {
        this.maxFaces = maxFaces;
        this.windowSizeMs = windowSizeMs;
    }

    @Override
    public void open(Configuration parameters) {
        buffer = getRuntimeContext().getListState(new ListStateDescriptor<>("face-batch", FaceCrop.class));
    }

    @Override
    public void processElement(FaceCrop crop, Context ctx, Collector<FaceBatch> out) throws Exception {
        if (crop.isFrameMarker() || maxFaces == 1) {
            out.collect(FaceBatch.of(Collections.singletonList(crop)));
            return;
        }
        long window = windowStart(ctx.timestamp());
        List<FaceCrop> sameWindow = new ArrayList<>();
        List<FaceCrop> others = new ArrayList<>();
        for (FaceCrop c : buffer.get()) {
            (windowStart(c.getCaptureTimeMs()) == window ? sameWindow : others).add(c);
        }
        sameWindow.add(crop);
        if (sameWindow.size() >= maxFaces) {
            out.collect(FaceBatch.of(sameWindow));
            buffer.update(others);
        } else {
            buffer.add(crop);
            ctx.timerService().registerEventTimeTimer(window + windowSizeMs - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FaceBatch> out) throws Exception {
        long window = windowStart(timestamp);
        List<FaceCrop> due = new ArrayList<>();
        List<FaceCrop> keep = new ArrayList<>();
        for (FaceCrop c : buffer.get()) {
            (windowStart(c.getCaptureTimeMs()) <= window ? due : keep).add(c);
        }
        for (int i = 0; i < due.size(); i += maxFaces) {
            out.collect(FaceBatch.of(due.subList(i, Math.min(due.size(), i + maxFaces))));
        }
        buffer.update(keep);
    }

    private long windowStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, windowSizeMs);
    }
}
