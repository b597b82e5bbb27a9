package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Adds the stage id (the key) and the window's start and end (epoch ms UTC) to the aggregate.
 * Counts first firings in {@code windowsEmitted} and re-firings caused by late records within
 * the allowed lateness in {@code windowUpdates} (each re-firing rewrites the window's item).
 */
public class StageWindowResult extends ProcessWindowFunction<StageWindowScore, StageWindowScore, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private static final ValueStateDescriptor<Boolean> FIRED = new ValueStateDescriptor<>("fired", Types.BOOLEAN);

    private transient Counter emitted;
    private transient Counter updates;

    @Override
    public void open(Configuration parameters) {
        emitted = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.WINDOWS_EMITTED);
        updates = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.WINDOW_UPDATES);
    }

    @Override
    public void process(String stageId, Context ctx, Iterable<StageWindowScore> aggregates,
                        Collector<StageWindowScore> out) throws Exception {
        ValueState<Boolean> fired = ctx.windowState().getState(FIRED);
        if (fired.value() == null) {
            fired.update(true);
            emitted.inc();
        } else {
            updates.inc();
        }
        for (StageWindowScore s : aggregates) {
            s.setStageId(stageId);
            s.setWindowStartMs(ctx.window().getStart());
            s.setWindowEndMs(ctx.window().getEnd());
            out.collect(s);
        }
    }

    @Override
    public void clear(Context ctx) {
        ctx.windowState().getState(FIRED).clear();
    }
}
