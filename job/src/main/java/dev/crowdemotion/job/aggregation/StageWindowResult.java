package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Adds the stage id (the key) and the window's start and end (epoch ms UTC) to the aggregate. */
public class StageWindowResult extends ProcessWindowFunction<StageWindowScore, StageWindowScore, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String stageId, Context ctx, Iterable<StageWindowScore> aggregates,
                        Collector<StageWindowScore> out) {
        for (StageWindowScore s : aggregates) {
            s.setStageId(stageId);
            s.setWindowStartMs(ctx.window().getStart());
            s.setWindowEndMs(ctx.window().getEnd());
            out.collect(s);
        }
    }
}
