package dev.crowdemotion.job.setlist;

import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Joins a stage's window scores with its setlist (both keyed by stage id) in event time.
 *
 * <ul>
 *   <li><b>Annotation.</b> Each window score leaves with the artist, set and track playing at its
 *       midpoint ({@link StageWindowScore#midpointMs()}): the track covering it (latest start wins
 *       if tracks overlap) and the set covering it; the artist is the set's, else the track's.</li>
 *   <li><b>Summaries.</b> When the watermark passes a set's or track's end + one window size, every
 *       window whose midpoint lies in it has fired, and its {@link PerformanceScore} goes to
 *       {@link #PERFORMANCES}. With sliding windows only windows starting on a multiple of the
 *       window size are summed, so no frame counts twice.</li>
 *   <li><b>Out of order, late and corrected input.</b> Window scores are kept for
 *       {@code retentionMs} after their end. A schedule event arriving after windows it covers
 *       re-emits those windows annotated; if its summary time has passed, its summary is emitted at
 *       once. A window updated after its performance was summarized (allowed lateness) re-emits
 *       the summary. A later event with the same set/track id replaces the earlier one. Every
 *       output is an idempotent overwrite of its DynamoDB item, so the final items do not depend
 *       on the order events arrived in.</li>
 * </ul>
 * Metrics: {@code windowsAnnotated}, {@code performancesSummarized}.
 */
public class SetlistJoin extends KeyedCoProcessFunction<String, StageWindowScore, ScheduleEvent, StageWindowScore> {
    private static final long serialVersionUID = 1L;

    /** Per-set and per-track summaries. */
    public static final OutputTag<PerformanceScore> PERFORMANCES = new OutputTag<PerformanceScore>("performances") {};

    private final long windowSizeMs;
    private final long retentionMs;

    /** Schedule events by {@link ScheduleEvent#key()}. */
    private transient MapState<String, ScheduleEvent> schedule;
    /** Window scores (as emitted, annotated) by window start. */
    private transient MapState<Long, StageWindowScore> windows;
    /** Keys of the events whose summary was emitted. */
    private transient MapState<String, Boolean> summarized;
    private transient Counter annotated;
    private transient Counter summaries;

    /**
     * @param windowSizeMs the score windows' size, ms
     * @param retentionMs  how long window scores are kept after their end, ms (at least the longest set)
     */
    public SetlistJoin(long windowSizeMs, long retentionMs) {
        this.windowSizeMs = windowSizeMs;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(Configuration parameters) {
        schedule = getRuntimeContext().getMapState(new MapStateDescriptor<>("schedule", Types.STRING,
                TypeInformation.of(ScheduleEvent.class)));
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>("windows", Types.LONG,
                TypeInformation.of(StageWindowScore.class)));
        summarized = getRuntimeContext().getMapState(new MapStateDescriptor<>("summarized", Types.STRING, Types.BOOLEAN));
        annotated = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.WINDOWS_ANNOTATED);
        summaries = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.PERFORMANCES_SUMMARIZED);
    }

    @Override
    public void processElement1(StageWindowScore score, Context ctx, Collector<StageWindowScore> out) throws Exception {
        annotate(score);
        windows.put(score.getWindowStartMs(), score);
        out.collect(score);
        if (score.getTrackId() != null || score.getSetId() != null) {
            annotated.inc();
        }
        ctx.timerService().registerEventTimeTimer(score.getWindowEndMs() + retentionMs);
        // a late update of a window whose performance was already summarized
        for (ScheduleEvent e : schedule.values()) {
            if (e.covers(score.midpointMs()) && summarized.contains(e.key())) {
                summarize(e, ctx);
            }
        }
    }

    @Override
    public void processElement2(ScheduleEvent event, Context ctx, Collector<StageWindowScore> out) throws Exception {
        ScheduleEvent previous = schedule.get(event.key());
        if (event.equals(previous)) {
            return;
        }
        schedule.put(event.key(), event);
        // re-annotate the windows the new (or replaced) event covers
        List<StageWindowScore> changed = new ArrayList<>();
        for (StageWindowScore w : windows.values()) {
            long mid = w.midpointMs();
            if (event.covers(mid) || previous != null && previous.covers(mid)) {
                String before = w.getArtist() + "|" + w.getSetId() + "|" + w.getTrackId() + "|" + w.getTrackTitle();
                annotate(w);
                if (!before.equals(w.getArtist() + "|" + w.getSetId() + "|" + w.getTrackId() + "|" + w.getTrackTitle())) {
                    changed.add(w);
                }
            }
        }
        for (StageWindowScore w : changed) {
            windows.put(w.getWindowStartMs(), w);
            out.collect(w);
        }
        long due = summaryTime(event);
        if (due <= ctx.timerService().currentWatermark()) {
            summarize(event, ctx);
        } else {
            ctx.timerService().registerEventTimeTimer(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StageWindowScore> out) throws Exception {
        List<ScheduleEvent> due = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, ScheduleEvent> e : schedule.entries()) {
            long time = summaryTime(e.getValue());
            if (time == timestamp && !summarized.contains(e.getKey())) {
                due.add(e.getValue());
            }
            if (time + retentionMs <= timestamp) {
                expired.add(e.getKey());
            }
        }
        for (ScheduleEvent e : due) {
            summarize(e, ctx);
        }
        for (String key : expired) {
            schedule.remove(key);
            summarized.remove(key);
        }
        List<Long> old = new ArrayList<>();
        for (StageWindowScore w : windows.values()) {
            if (w.getWindowEndMs() + retentionMs <= timestamp) {
                old.add(w.getWindowStartMs());
            }
        }
        for (Long start : old) {
            windows.remove(start);
        }
    }

    /** When a performance's summary is due: end + one window size (event time, epoch ms). */
    private long summaryTime(ScheduleEvent e) {
        return e.getEndMs() + windowSizeMs;
    }

    private void summarize(ScheduleEvent e, Context ctx) throws Exception {
        List<StageWindowScore> in = new ArrayList<>();
        for (StageWindowScore w : windows.values()) {
            if (e.covers(w.midpointMs()) && w.getWindowStartMs() % windowSizeMs == 0) {
                in.add(w);
            }
        }
        in.sort((a, b) -> Long.compare(a.getWindowStartMs(), b.getWindowStartMs()));
        ctx.output(PERFORMANCES, PerformanceScore.summarize(e, in));
        summarized.put(e.key(), true);
        summaries.inc();
    }

    /** Sets the window's artist, set and track from the schedule (or clears them). */
    private void annotate(StageWindowScore w) throws Exception {
        long mid = w.midpointMs();
        ScheduleEvent set = null;
        ScheduleEvent track = null;
        for (ScheduleEvent e : schedule.values()) {
            if (!e.covers(mid)) {
                continue;
            }
            if (e.getKind() == ScheduleEvent.Kind.SET) {
                set = later(set, e);
            } else {
                track = later(track, e);
            }
        }
        w.setArtist(set != null ? set.getArtist() : track != null ? track.getArtist() : null);
        w.setSetId(set != null ? set.getSetId() : track != null ? track.getSetId() : null);
        w.setTrackId(track != null ? track.getTrackId() : null);
        w.setTrackTitle(track != null ? track.getTitle() : null);
    }

    /** Of two overlapping events, the one that started later (ties: the larger key, for determinism). */
    private static ScheduleEvent later(ScheduleEvent a, ScheduleEvent b) {
        if (a == null) return b;
        if (b.getStartMs() != a.getStartMs()) return b.getStartMs() > a.getStartMs() ? b : a;
        return Objects.requireNonNull(b.key()).compareTo(a.key()) > 0 ? b : a;
    }
}
