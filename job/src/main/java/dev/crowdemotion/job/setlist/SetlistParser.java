package dev.crowdemotion.job.setlist;

import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * Parses schedule events ({@link ScheduleEvents#parse}); blank lines are skipped, an event that
 * breaks a rule becomes a dead letter (step {@code SETLIST}, reason {@value #BAD_SCHEDULE_EVENT},
 * the rule in the detail) on {@link FrameRouter#DEAD_LETTERS}, counted in {@code setlistEvents}
 * / {@code deadLetters}.
 */
public class SetlistParser extends ProcessFunction<String, ScheduleEvent> {
    private static final long serialVersionUID = 1L;
    /** Dead-letter reason of an invalid schedule event. */
    public static final String BAD_SCHEDULE_EVENT = "BAD_SCHEDULE_EVENT";

    private transient Counter events;
    private transient Counter deadLetters;

    @Override
    public void open(Configuration parameters) {
        events = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.SETLIST_EVENTS);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(String json, Context ctx, Collector<ScheduleEvent> out) {
        if (json == null || json.isBlank()) {
            return;
        }
        try {
            out.collect(ScheduleEvents.parse(json));
            events.inc();
        } catch (IllegalArgumentException e) {
            deadLetters.inc();
            DeadLetter d = new DeadLetter(DeadLetter.Step.SETLIST, BAD_SCHEDULE_EVENT, e.getMessage());
            d.setPayloadBytes(json.getBytes(StandardCharsets.UTF_8).length);
            ctx.output(FrameRouter.DEAD_LETTERS, d);
        }
    }
}
