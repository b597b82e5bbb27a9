package dev.crowdemotion.job.ingest;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.kinesis.IngestedRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the decoded Kinesis records: frames go on, rejected records go to the dead-letter
 * side output {@link #DEAD_LETTERS}. Counts {@code framesIn} (all records) and {@code deadLetters}.
 */
public class FrameRouter extends ProcessFunction<IngestedRecord, CameraFrame> {
    private static final long serialVersionUID = 1L;

    /** Side output of every record rejected anywhere in the job. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<DeadLetter>("dead-letters") {};

    private transient Counter recordsIn;
    private transient Counter deadLetters;

    @Override
    public void open(Configuration parameters) {
        recordsIn = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FRAMES_IN);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(IngestedRecord record, Context ctx, Collector<CameraFrame> out) {
        recordsIn.inc();
        if (record.isFrame()) {
            out.collect(record.getFrame());
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, record.getRejected());
        }
    }
}
