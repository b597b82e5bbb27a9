package dev.crowdemotion.metrics;

import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts window scores to business-metric datapoints ({@link ScoreMetrics}) with a cap on the
 * number of distinct {@code Stage} dimension values: the first {@code maxStages} stages seen keep
 * their id, every later stage is published as {@value ScoreMetrics#OTHER_STAGE} (so at most
 * {@code maxStages + 1} values, which bounds CloudWatch's metric count and cost: every distinct
 * dimension combination is a metric of its own).
 *
 * <p>Runs at parallelism 1 so that there is one admitted set; the set, in admission order, is
 * operator state (list state {@value #STATE_NAME}), so a job restored from a checkpoint or
 * savepoint maps every stage as before. If {@code maxStages} is lowered between runs, the first
 * {@code maxStages} of the restored stages stay admitted. A real stage named
 * {@value ScoreMetrics#OTHER_STAGE} shares its metrics with the capped stages.
 *
 * <p>Counter {@value #CAPPED_COUNTER} in the {@value CloudWatchSink#METRIC_GROUP} group: scores
 * published as {@value ScoreMetrics#OTHER_STAGE}.
 */
public class StageCardinalityCap extends ProcessFunction<StageWindowScore, MetricPoint> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StageCardinalityCap.class);

    /** Name of the operator list state holding the admitted stages. */
    public static final String STATE_NAME = "cloudwatch-admitted-stages";
    /** Counter: scores whose stage was beyond the cap. */
    public static final String CAPPED_COUNTER = "cloudWatchCappedScores";

    private final int maxStages;
    private transient Set<String> admitted;
    private transient Set<String> capped;
    private transient ListState<String> state;
    private transient Counter cappedScores;

    /**
     * @param maxStages distinct stages published under their own id, at least 1
     * @throws IllegalArgumentException if {@code maxStages < 1}
     */
    public StageCardinalityCap(int maxStages) {
        if (maxStages < 1) {
            throw new IllegalArgumentException("maxStages must be >= 1, not " + maxStages);
        }
        this.maxStages = maxStages;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(STATE_NAME, Types.STRING));
        admitted = new LinkedHashSet<>();
        capped = new LinkedHashSet<>();
        if (context.isRestored()) {
            List<String> dropped = new ArrayList<>();
            for (String stage : state.get()) {
                if (admitted.size() < maxStages) {
                    admitted.add(stage);
                } else if (!admitted.contains(stage)) {
                    dropped.add(stage);
                }
            }
            LOG.info("CloudWatch stage cap restored: {} stage(s) admitted {}", admitted.size(), admitted);
            if (!dropped.isEmpty()) {
                LOG.warn("max.stages is now {}: restored stages {} are published as Stage={} from now on", maxStages,
                        dropped, ScoreMetrics.OTHER_STAGE);
            }
        }
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        cappedScores = getRuntimeContext().getMetricGroup().addGroup(CloudWatchSink.METRIC_GROUP).counter(CAPPED_COUNTER);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.update(new ArrayList<>(admitted));
    }

    @Override
    public void processElement(StageWindowScore score, Context ctx, Collector<MetricPoint> out) {
        if (score.getStageId() == null) {
            return;
        }
        for (MetricPoint p : ScoreMetrics.toPoints(score, stageLabel(score.getStageId()))) {
            out.collect(p);
        }
    }

    /** The {@code Stage} value for {@code stage}: itself if admitted (or room is left), else {@value ScoreMetrics#OTHER_STAGE}. */
    String stageLabel(String stage) {
        if (admitted.contains(stage)) {
            return stage;
        }
        if (admitted.size() < maxStages) {
            admitted.add(stage);
            LOG.info("CloudWatch: stage {} admitted ({} of at most {})", stage, admitted.size(), maxStages);
            return stage;
        }
        if (capped.add(stage)) {
            LOG.warn("CloudWatch: stage {} is beyond max.stages={} and is published as Stage={}", stage, maxStages,
                    ScoreMetrics.OTHER_STAGE);
        }
        if (cappedScores != null) {
            cappedScores.inc();
        }
        return ScoreMetrics.OTHER_STAGE;
    }

    /** The admitted stages, in admission order (a copy). */
    List<String> admittedStages() {
        return new ArrayList<>(admitted);
    }
}
