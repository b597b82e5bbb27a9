package dev.crowdemotion.local.dashboard;

import dev.crowdemotion.local.dashboard.DashboardSnapshot.Entry;
import dev.crowdemotion.local.dashboard.DashboardSnapshot.Leaderboard;
import dev.crowdemotion.local.dashboard.DashboardSnapshot.NowPlaying;
import dev.crowdemotion.local.dashboard.DashboardSnapshot.Point;
import dev.crowdemotion.local.dashboard.DashboardSnapshot.StageTimeline;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.scores.StageWindowScore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@link DashboardSnapshot}s from the score tables, with {@link StageScoreQueries} only
 * (DynamoDB Query, no scans).
 *
 * <p><b>Which stages.</b> The stage table has no list of stages, so the dashboard shows every
 * stage that is on the leaderboard (index {@code by-window}) of at least one window in the
 * requested range. A stage that had no enriched face in the whole range is not shown. Each
 * window's leaderboard is one Query; leaderboards of windows older than {@code recheck} are
 * cached (their items are final once the window closed and its allowed lateness passed), so a
 * refresh costs about {@code recheck / slide} leaderboard Queries plus one timeline Query per
 * stage; the first one reads every window in range once.
 *
 * <p><b>Leaderboard.</b> The newest window in range whose leaderboard is not empty.
 * <b>Now playing.</b> The setlist annotation of each stage's newest window in range.
 *
 * <p>Thread-safe: snapshots are taken one at a time.
 */
public final class DashboardData {
    /** The longest timeline range a snapshot may ask for. */
    public static final Duration MAX_RANGE = Duration.ofHours(1);

    private static final List<String> EMOTIONS;

    static {
        List<String> names = new ArrayList<>();
        for (EmotionType e : EmotionType.values()) {
            names.add(e.name());
        }
        EMOTIONS = List.copyOf(names);
    }

    private final StageScoreQueries queries;
    private final long slideMs;
    private final long recheckMs;
    private final Clock clock;
    /** Leaderboard per window start (guarded by this). */
    private final NavigableMap<Long, List<StageWindowScore>> leaderboards = new TreeMap<>();

    /**
     * @param queries the score tables
     * @param slideMs the job's window slide ({@code Aggregation} {@code window.slide.ms}, the window
     *                size for tumbling windows): window starts are its multiples
     * @param recheck how far back leaderboards are read again on every snapshot rather than cached
     *                (at least the window size plus the allowed lateness plus the sink's delay)
     * @param clock   "now"
     * @throws IllegalArgumentException if {@code slideMs <= 0} or {@code recheck} is negative
     */
    public DashboardData(StageScoreQueries queries, long slideMs, Duration recheck, Clock clock) {
        if (slideMs <= 0 || recheck.isNegative()) {
            throw new IllegalArgumentException("slideMs must be > 0 and recheck >= 0");
        }
        this.queries = queries;
        this.slideMs = slideMs;
        this.recheckMs = recheck.toMillis();
        this.clock = clock;
    }

    /**
     * The windows that started in the last {@code range} (at least one window), their stages,
     * the newest leaderboard and what is playing.
     *
     * @throws IllegalArgumentException if {@code range} is not positive or above {@link #MAX_RANGE}
     * @throws RuntimeException         (SDK exceptions) if DynamoDB cannot be read
     */
    public synchronized DashboardSnapshot snapshot(Duration range) {
        if (range.isZero() || range.isNegative() || range.compareTo(MAX_RANGE) > 0) {
            throw new IllegalArgumentException("range must be in (0, " + MAX_RANGE + "]: " + range);
        }
        long now = clock.millis();
        long to = Math.floorDiv(now, slideMs) * slideMs;
        long windows = Math.max(1, (range.toMillis() + slideMs - 1) / slideMs);
        long from = to - (windows - 1) * slideMs;

        long recheckFrom = to - recheckMs;
        for (long w = from; w <= to; w += slideMs) {
            if (w >= recheckFrom || !leaderboards.containsKey(w)) {
                leaderboards.put(w, queries.leaderboard(w));
            }
        }
        leaderboards.headMap(to - MAX_RANGE.toMillis(), false).clear();

        Set<String> stages = new TreeSet<>();
        Leaderboard newest = null;
        for (Map.Entry<Long, List<StageWindowScore>> e : leaderboards.subMap(from, true, to, true).descendingMap().entrySet()) {
            for (StageWindowScore s : e.getValue()) {
                stages.add(s.getStageId());
            }
            if (newest == null && !e.getValue().isEmpty()) {
                newest = leaderboard(e.getValue());
            }
        }
        List<StageTimeline> timelines = new ArrayList<>();
        for (String stage : stages) {
            timelines.add(timeline(stage, queries.timeline(stage, from, to)));
        }
        return new DashboardSnapshot(now, from, to, slideMs, EMOTIONS, newest, timelines);
    }

    private static Leaderboard leaderboard(List<StageWindowScore> ranked) {
        List<Entry> entries = new ArrayList<>();
        for (StageWindowScore s : ranked) {
            EmotionType dominant = s.dominantEmotion();
            entries.add(new Entry(entries.size() + 1, s.getStageId(), round(s.energy()), round(s.coverage()),
                    s.getFacesDetected(), s.getFacesEnriched(), dominant == null ? null : dominant.name(),
                    dominant == null ? null : round(s.share(dominant)), s.getArtist(), s.getTrackTitle()));
        }
        StageWindowScore first = ranked.get(0);
        return new Leaderboard(first.getWindowStartMs(), first.getWindowEndMs(), List.copyOf(entries));
    }

    private static StageTimeline timeline(String stage, List<StageWindowScore> windows) {
        List<Point> points = new ArrayList<>();
        for (StageWindowScore s : windows) {
            boolean enriched = s.getFacesEnriched() > 0;
            Map<String, Double> means = new LinkedHashMap<>();
            for (EmotionType e : EmotionType.values()) {
                means.put(e.name(), enriched ? round(s.meanConfidence(e)) : null);
            }
            EmotionType dominant = s.dominantEmotion();
            points.add(new Point(s.getWindowStartMs(), s.getWindowEndMs(), round(s.energy()), round(s.coverage()),
                    s.getFramesSeen(), s.getFacesDetected(), s.getFacesEnriched(),
                    dominant == null ? null : dominant.name(), means));
        }
        NowPlaying playing = null;
        if (!windows.isEmpty()) {
            StageWindowScore last = windows.get(windows.size() - 1);
            if (last.getArtist() != null || last.getTrackTitle() != null || last.getTrackId() != null) {
                playing = new NowPlaying(last.getWindowStartMs(), last.getWindowEndMs(), last.getArtist(),
                        last.getSetId(), last.getTrackId(), last.getTrackTitle());
            }
        }
        return new StageTimeline(stage, playing, List.copyOf(points));
    }

    /** 3 decimals, as the tables store derived numbers; {@code null} for NaN. */
    static Double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000.0) / 1000.0;
    }
}
