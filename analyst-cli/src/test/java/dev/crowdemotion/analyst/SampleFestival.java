package dev.crowdemotion.analyst;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static dev.crowdemotion.scores.EmotionType.CALM;
import static dev.crowdemotion.scores.EmotionType.HAPPY;
import static dev.crowdemotion.scores.EmotionType.SAD;
import static dev.crowdemotion.scores.EmotionType.SURPRISED;

/**
 * A deterministic festival: three stages with 10 s tumbling windows over six minutes, a setlist
 * (an artist per stage, tracks), the window scores annotated with what was playing, and the
 * per-set and per-track summaries computed by the real {@link PerformanceScore#summarize}.
 *
 * <ul>
 *   <li>the last window of every stage has frames and faces but no enriched face (no energy, not
 *       on the leaderboard), so the latest leaderboard is the window before it;</li>
 *   <li>jazz's window 5 has no face at all (no coverage, no energy);</li>
 *   <li>jazz's artist has a comma and its track title double quotes (CSV quoting).</li>
 * </ul>
 * {@link #main} serves it on DynamoDB Local for trying the CLI by hand (and for the examples in
 * {@code docs/analyst-cli.md}).
 */
final class SampleFestival {
    static final long WINDOW_MS = 10_000;
    static final int WINDOWS = 36;
    static final String[] STAGES = {"rock", "pop", "jazz"};
    static final String[] ARTISTS = {"The Hoppers", "Astro Kids", "Grace Notes, Quartet"};
    static final String[] SETS = {"hoppers-2026", "astro-main", "grace-late"};
    /** Per stage: {track id, title, start offset s, end offset s}. */
    static final Object[][][] TRACKS = {
            {{"01", "Opening Song", 0, 120}, {"02", "Compile Time", 120, 210}, {"03", "Null Pointer Blues", 210, 360}},
            {{"01", "Liftoff", 0, 180}, {"02", "Zero G", 180, 360}},
            {{"01", "Amazing \"Debug\" Grace", 0, 360}},
    };
    /** Base mean Confidence per stage, by {@link EmotionType} ordinal (HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, SURPRISED, CALM, FEAR). */
    private static final double[][] BASE = {
            {55, 8, 6, 3, 1, 10, 15, 2},
            {80, 2, 1, 1, 1, 8, 6, 1},
            {8, 14, 5, 3, 1, 2, 65, 2},
    };

    final long t0;
    final List<StageWindowScore> windows = new ArrayList<>();
    final List<ScheduleEvent> setlist = new ArrayList<>();
    final List<PerformanceScore> performances = new ArrayList<>();

    /** @param t0 start of the first window, epoch ms UTC, a multiple of {@link #WINDOW_MS} */
    SampleFestival(long t0) {
        if (t0 % WINDOW_MS != 0) {
            throw new IllegalArgumentException("t0 must be a multiple of " + WINDOW_MS);
        }
        this.t0 = t0;
        for (int s = 0; s < STAGES.length; s++) {
            long setEnd = t0 + WINDOWS * WINDOW_MS;
            setlist.add(ScheduleEvent.set(STAGES[s], ARTISTS[s], SETS[s], t0, setEnd));
            for (Object[] t : TRACKS[s]) {
                setlist.add(ScheduleEvent.track(STAGES[s], ARTISTS[s], SETS[s], (String) t[0], (String) t[1],
                        t0 + 1000L * (Integer) t[2], t0 + 1000L * (Integer) t[3]));
            }
            for (int i = 0; i < WINDOWS; i++) {
                windows.add(window(s, i));
            }
        }
        for (ScheduleEvent e : setlist) {
            List<StageWindowScore> in = new ArrayList<>();
            for (StageWindowScore w : windows) {
                if (w.getStageId().equals(e.getStageId()) && w.midpointMs() >= e.getStartMs() && w.midpointMs() < e.getEndMs()) {
                    in.add(w);
                }
            }
            performances.add(PerformanceScore.summarize(e, in));
        }
    }

    /** The sample whose leaderboard-less last window is the newest window closed at {@code nowMs}. */
    static SampleFestival endingAt(long nowMs) {
        long lastStart = Math.floorDiv(nowMs, WINDOW_MS) * WINDOW_MS - WINDOW_MS;
        return new SampleFestival(lastStart - (WINDOWS - 1) * WINDOW_MS);
    }

    private StageWindowScore window(int stage, int i) {
        StageWindowScore w = new StageWindowScore();
        w.setStageId(STAGES[stage]);
        w.setWindowStartMs(t0 + i * WINDOW_MS);
        w.setWindowEndMs(t0 + (i + 1) * WINDOW_MS);
        w.setFramesSeen(20);
        long detected = 18 + (i * 7 + stage * 3) % 9;
        long enriched = detected - (i % 4 == 0 ? 2 : 0);
        if (stage == 2 && i == 5) {
            detected = 0;
            enriched = 0;
        }
        if (i == WINDOWS - 1) {
            enriched = 0;
        }
        w.setFacesDetected(detected);
        w.setFacesEnriched(enriched);
        double[] means = new double[EmotionType.COUNT];
        long[] counts = new long[EmotionType.COUNT];
        if (enriched > 0) {
            double swing = 12 * Math.sin(i * 0.45 + stage);
            for (int e = 0; e < means.length; e++) {
                means[e] = BASE[stage][e];
            }
            means[HAPPY.ordinal()] = Math.max(0, means[HAPPY.ordinal()] + swing);
            means[CALM.ordinal()] = Math.max(0, means[CALM.ordinal()] - swing);
            means[SURPRISED.ordinal()] += (i % 6) * 0.5;
            means[SAD.ordinal()] = Math.max(0, means[SAD.ordinal()] - (i % 6) * 0.5);
            for (int e = 0; e < means.length; e++) {
                means[e] = Math.round(means[e] * 1000) / 1000.0;
            }
            EmotionType top = top(means, null);
            EmotionType second = top(means, top);
            long minority = enriched / 4;
            counts[top.ordinal()] = enriched - minority;
            counts[second.ordinal()] = minority;
        }
        w.setMeanConfidence(means);
        w.setDominantCounts(counts);
        long mid = w.midpointMs();
        for (ScheduleEvent e : setlistOf(stage)) {
            if (e.getKind() == ScheduleEvent.Kind.TRACK && mid >= e.getStartMs() && mid < e.getEndMs()) {
                w.setArtist(e.getArtist());
                w.setSetId(e.getSetId());
                w.setTrackId(e.getTrackId());
                w.setTrackTitle(e.getTitle());
            }
        }
        return w;
    }

    private List<ScheduleEvent> setlistOf(int stage) {
        List<ScheduleEvent> out = new ArrayList<>();
        for (ScheduleEvent e : setlist) {
            if (e.getStageId().equals(STAGES[stage])) {
                out.add(e);
            }
        }
        return out;
    }

    private static EmotionType top(double[] means, EmotionType except) {
        EmotionType best = null;
        for (EmotionType e : EmotionType.values()) {
            if (e != except && (best == null || means[e.ordinal()] > means[best.ordinal()])) {
                best = e;
            }
        }
        return best;
    }

    /** The window scores of one stage, oldest first. */
    List<StageWindowScore> stage(String stageId) {
        List<StageWindowScore> out = new ArrayList<>();
        for (StageWindowScore w : windows) {
            if (w.getStageId().equals(stageId)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Start of window {@code i} (0-based), epoch ms. */
    long windowStart(int i) {
        return t0 + i * WINDOW_MS;
    }

    /** Writes the sample into the two tables (made with kinesis-setup's ResourceSetup). */
    void load(ScoreTables tables, String stageTable, String performanceTable) {
        tables.create(stageTable, performanceTable);
        tables.putWindows(stageTable, windows);
        tables.putPerformances(performanceTable, performances);
    }

    /**
     * Serves the sample on DynamoDB Local until killed: {@code [port] [table] [performance-table]}
     * (defaults 8000 and the job's default table names); the last window ends at the current time.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        String table = args.length > 1 ? args[1] : "crowd-emotion-stage-scores";
        String perf = args.length > 2 ? args[2] : "crowd-emotion-performance-scores";
        ScoreTables tables = ScoreTables.start(port);
        SampleFestival sample = endingAt(System.currentTimeMillis());
        sample.load(tables, table, perf);
        System.out.println("DynamoDB Local at " + tables.endpoint() + ": " + sample.windows.size() + " windows from "
                + Instant.ofEpochMilli(sample.t0) + ", " + sample.performances.size() + " set/track summaries");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
