package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.detection.FaceCrop;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups one stage's face crops (keyed by stage) into {@link FaceBatch}es of up to
 * {@code mosaic.max.faces} crops of the same event-time window, one DetectFaces call each, and
 * decides which calls are made within the budget.
 *
 * <p><b>Batching.</b> A batch is complete as soon as it is full, or when the watermark reaches
 * the end of its window (an event-time timer at {@code windowEnd - 1}), which is before the
 * window downstream can fire: batching never makes a face late, and a quiet stage's partial
 * batch waits at most until its window would close anyway. Every emitted record keeps a
 * timestamp in its window. With {@code mosaic.max.faces == 1} every crop is its own batch.
 * Buffered crops are keyed state (at most K-1 per open window of a stage), restored with
 * checkpoints.
 *
 * <p><b>Admission.</b> A complete batch goes to the main output (to DetectFaces) only if the
 * {@link FairShareSampler} of this parallel instance has a token for its stage: rate
 * {@code max.tps / parallelism} calls per second, burst two seconds' worth. Otherwise its faces
 * go to the side output {@link #BYPASS} as {@code SAMPLED_OUT} observations (metric
 * {@code facesSampledOut}). Frame markers go to {@link #BYPASS} too: only calls enter the async
 * operator, so its capacity bounds calls in flight, and faces that are not sent never wait in its
 * queue behind calls that are.
 */
public class FaceBatcher extends KeyedProcessFunction<String, FaceCrop, FaceBatch> {
    private static final long serialVersionUID = 1L;

    /** Frame markers and sampled-out faces, which need no DetectFaces call. */
    public static final OutputTag<FaceObservation> BYPASS = new OutputTag<FaceObservation>("enrichment-bypass") {};
    /** A stage that sent no batch for this long no longer takes a share of the budget, ms. */
    static final long ACTIVE_STAGE_WINDOW_MS = 30_000;

    private final int maxFaces;
    private final long windowSizeMs;
    private final double maxTps;
    private transient ListState<FaceCrop> buffer;
    private transient FairShareSampler sampler;
    private transient Counter sampledOut;

    /**
     * Takes {@code mosaic.max.faces} and {@code max.tps} from the {@code Rekognition} group and the
     * window length from the {@code Aggregation} group.
     */
    public FaceBatcher(CrowdEmotionConfig config) {
        this.maxFaces = config.mosaicMaxFaces();
        this.windowSizeMs = config.windowSizeMs();
        this.maxTps = config.maxTps();
    }

    @Override
    public void open(Configuration parameters) {
        buffer = getRuntimeContext().getListState(new ListStateDescriptor<>("face-batch", FaceCrop.class));
        double share = maxTps / getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        sampler = new FairShareSampler(share, Math.max(1, ConfigKeys.ADMISSION_BURST_SECONDS * share), ACTIVE_STAGE_WINDOW_MS);
        sampledOut = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_SAMPLED_OUT);
    }

    @Override
    public void processElement(FaceCrop crop, Context ctx, Collector<FaceBatch> out) throws Exception {
        if (crop.isFrameMarker()) {
            ctx.output(BYPASS, FaceObservation.frameMarker(crop));
            return;
        }
        if (maxFaces == 1) {
            admit(ctx.getCurrentKey(), List.of(crop), ctx, out);
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
            buffer.update(others);
            admit(ctx.getCurrentKey(), sameWindow, ctx, out);
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
        buffer.update(keep);
        for (int i = 0; i < due.size(); i += maxFaces) {
            admit(ctx.getCurrentKey(), due.subList(i, Math.min(due.size(), i + maxFaces)), ctx, out);
        }
    }

    private void admit(String stage, List<FaceCrop> crops, Context ctx, Collector<FaceBatch> out) {
        if (sampler.tryAcquire(stage, System.currentTimeMillis())) {
            out.collect(FaceBatch.of(crops));
            return;
        }
        sampledOut.inc(crops.size());
        for (FaceCrop c : crops) {
            ctx.output(BYPASS, FaceObservation.unenriched(c, "SAMPLED_OUT"));
        }
    }

    private long windowStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, windowSizeMs);
    }
}
