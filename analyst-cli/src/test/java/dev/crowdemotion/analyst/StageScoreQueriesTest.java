package dev.crowdemotion.analyst;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.scores.StageScoresTable;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The three documented access patterns of {@link StageScoreQueries} against DynamoDB Local, on
 * tables created by kinesis-setup's {@code ResourceSetup} and items written by the job's mappers.
 */
class StageScoreQueriesTest {
    static final long T0 = 1_783_188_000_000L; // 2026-07-04T18:00:00Z
    static final long W = 10_000;

    static ScoreTables tables;

    @BeforeAll
    static void start() {
        tables = ScoreTables.start(0);
    }

    @AfterAll
    static void stop() {
        if (tables != null) tables.close();
    }

    private StageScoreQueries queries(String stageTable, String performanceTable) {
        tables.create(stageTable, performanceTable);
        return new StageScoreQueries(tables.dynamo, stageTable, performanceTable);
    }

    /** A window score; {@code means} by {@link EmotionType} ordinal, dominant counts all on {@code dominant}. */
    static StageWindowScore window(String stage, long start, long detected, long enriched, EmotionType dominant,
                                   double... means) {
        StageWindowScore s = new StageWindowScore();
        s.setStageId(stage);
        s.setWindowStartMs(start);
        s.setWindowEndMs(start + W);
        s.setFramesSeen(20);
        s.setFacesDetected(detected);
        s.setFacesEnriched(enriched);
        double[] m = new double[EmotionType.COUNT];
        System.arraycopy(means, 0, m, 0, means.length);
        s.setMeanConfidence(m);
        long[] counts = new long[EmotionType.COUNT];
        if (dominant != null) {
            counts[dominant.ordinal()] = enriched;
        }
        s.setDominantCounts(counts);
        return s;
    }

    /** Means with only HAPPY and CALM set, so energy = 100 x happy / (happy + calm). */
    static double[] happyCalm(double happy, double calm) {
        double[] m = new double[EmotionType.COUNT];
        m[EmotionType.HAPPY.ordinal()] = happy;
        m[EmotionType.CALM.ordinal()] = calm;
        return m;
    }

    static StageWindowScore energetic(String stage, long start, double happy, double calm) {
        return window(stage, start, 10, 10, happy >= calm ? EmotionType.HAPPY : EmotionType.CALM, happyCalm(happy, calm));
    }

    // ---------------------------------------------------------------- 1: timeline

    @Test
    void timelineReturnsOneStagesWindowsWithInclusiveBoundsOldestFirst() {
        StageScoreQueries q = queries("timeline-a", "timeline-a-perf");
        List<StageWindowScore> all = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            all.add(energetic("rock", T0 + k * W, 50 + k, 50 - k));
            all.add(energetic("rock2", T0 + k * W, 10, 90)); // a stage id with "rock" as prefix
            all.add(energetic("pop", T0 + k * W, 90, 10));
        }
        // written newest first: the order must come from the sort key
        List<StageWindowScore> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        tables.putWindows("timeline-a", reversed);

        List<StageWindowScore> got = q.timeline("rock", T0 + 2 * W, T0 + 5 * W);
        assertThat(got).extracting(StageWindowScore::getWindowStartMs)
                .containsExactly(T0 + 2 * W, T0 + 3 * W, T0 + 4 * W, T0 + 5 * W);
        assertThat(got).extracting(StageWindowScore::getStageId).containsOnly("rock");
        assertThat(got.get(0).meanConfidence(EmotionType.HAPPY)).isEqualTo(52.0);
        assertThat(got.get(0).getWindowEndMs()).isEqualTo(T0 + 3 * W);
        assertThat(got.get(0).energy()).isCloseTo(52.0, within(1e-9));

        // bounds are window starts: a range inside one window finds nothing, [t, t] finds the window at t
        assertThat(q.timeline("rock", T0 + 2 * W + 1, T0 + 3 * W - 1)).isEmpty();
        assertThat(q.timeline("rock", T0 + 7 * W, T0 + 7 * W)).singleElement()
                .extracting(StageWindowScore::getWindowStartMs).isEqualTo(T0 + 7 * W);
        assertThat(q.timeline("rock", T0 - 100 * W, T0 - W)).isEmpty();
        assertThat(q.timeline("folk", T0, T0 + 100 * W)).isEmpty();
        assertThat(q.timeline("rock", 0, Long.MAX_VALUE)).hasSize(10);
    }

    @Test
    void timelineWithFromAfterToIsEmpty() {
        StageScoreQueries q = queries("timeline-b", "timeline-b-perf");
        tables.putWindows("timeline-b", List.of(energetic("rock", T0, 50, 50)));
        // DynamoDB refuses "BETWEEN :a AND :b" with :a > :b (ValidationException); an empty range has no windows
        assertThat(q.timeline("rock", T0 + W, T0)).isEmpty();
    }

    @Test
    void timelineReadsEveryPageOfALongRange() {
        StageScoreQueries q = queries("timeline-c", "timeline-c-perf");
        int n = 2_000;
        String title = "x".repeat(200); // the setlist's longest title: items of about 1 KB
        List<StageWindowScore> windows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            StageWindowScore s = energetic("main", T0 + k * W, k % 101, 100 - k % 101);
            s.setArtist("The Hoppers");
            s.setSetId("s1");
            s.setTrackId(String.format("%04d", k));
            s.setTrackTitle(title);
            windows.add(s);
        }
        tables.putWindows("timeline-c", windows);

        // one plain Query does not return the range: DynamoDB stops a page at 1 MB
        QueryResponse firstPage = tables.dynamo.query(b -> b.tableName("timeline-c")
                .keyConditionExpression("stage_id = :s")
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("main"))));
        assertThat(firstPage.count()).isLessThan(n);
        assertThat(firstPage.lastEvaluatedKey()).isNotEmpty();

        List<StageWindowScore> got = q.timeline("main", T0, T0 + (n - 1) * W);
        assertThat(got).hasSize(n);
        for (int k = 0; k < n; k++) {
            assertThat(got.get(k).getWindowStartMs()).isEqualTo(T0 + k * W);
            assertThat(got.get(k).getTrackId()).isEqualTo(String.format("%04d", k));
        }
        assertThat(got.get(n - 1).meanConfidence(EmotionType.HAPPY)).isEqualTo((n - 1) % 101);
        assertThat(q.timeline("main", T0 + 1000 * W, T0 + 1999 * W)).hasSize(1000);
    }

    // ---------------------------------------------------------------- 2: leaderboard

    @Test
    void leaderboardRanksAWindowsStagesByEnergyAndLeavesOutStagesWithoutEnrichedFaces() {
        StageScoreQueries q = queries("board-a", "board-a-perf");
        tables.putWindows("board-a", List.of(
                energetic("jazz", T0, 5, 95),                              // energy 5
                energetic("pop", T0, 100, 0),                              // energy 100
                energetic("rock", T0, 99.5, 0.5),                          // energy 99.5
                energetic("folk", T0, 20, 80),                             // energy 20
                window("quiet", T0, 12, 0, null),                          // faces, none enriched: no energy
                window("empty", T0, 0, 0, null),                           // no faces at all
                energetic("pop", T0 + W, 10, 90),                          // another window
                energetic("rock", T0 - W, 100, 0)));

        List<StageWindowScore> board = q.leaderboard(T0);
        // numerically, highest first (as strings "5" > "99.5" > "100")
        assertThat(board).extracting(StageWindowScore::getStageId).containsExactly("pop", "rock", "folk", "jazz");
        assertThat(board).extracting(StageWindowScore::energy)
                .containsExactly(100.0, 99.5, 20.0, 5.0);
        assertThat(board).extracting(StageWindowScore::getWindowStartMs).containsOnly(T0);
        assertThat(board.get(0).getFacesEnriched()).isEqualTo(10);

        // the base table still has the windows off the leaderboard
        assertThat(q.timeline("quiet", T0, T0)).singleElement().satisfies(s -> {
            assertThat(s.getFacesDetected()).isEqualTo(12);
            assertThat(s.energy()).isNaN();
        });
        assertThat(tables.dynamo.getItem(b -> b.tableName("board-a").key(Map.of(
                StageScoresTable.STAGE_ID, AttributeValue.fromS("quiet"),
                StageScoresTable.WINDOW_START, AttributeValue.fromN(Long.toString(T0))))).item())
                .doesNotContainKey(StageScoresTable.ENERGY);

        assertThat(q.leaderboard(T0 + W)).extracting(StageWindowScore::getStageId).containsExactly("pop");
        assertThat(q.leaderboard(T0 + 2 * W)).isEmpty();
        assertThat(q.leaderboard(T0 + 1)).as("not a window start").isEmpty();
    }

    @Test
    void aWindowWhoseEnrichedFacesHaveNoKnownEmotionIsStoredWithoutEnergyAndOffTheLeaderboard() {
        // Rekognition answered faces with only UNKNOWN (or no confidences): the job counts them as
        // enriched with all-zero confidences, and its dominant emotion is then HAPPY (ties: enum order)
        StageScoreQueries q = queries("board-c", "board-c-perf");
        StageWindowScore blank = window("rock", T0, 3, 3, EmotionType.HAPPY);
        assertThat(blank.energy()).isNaN();
        tables.putWindows("board-c", List.of(blank, energetic("pop", T0, 60, 40)));

        assertThat(q.leaderboard(T0)).extracting(StageWindowScore::getStageId).containsExactly("pop");
        assertThat(q.timeline("rock", T0, T0)).singleElement().satisfies(s -> {
            assertThat(s.getFacesEnriched()).isEqualTo(3);
            assertThat(s.energy()).isNaN();
        });

        ScheduleEvent set = ScheduleEvent.set("rock", "The Hoppers", "s1", T0, T0 + W);
        PerformanceScore p = PerformanceScore.summarize(set, List.of(blank));
        tables.putPerformances("board-c-perf", List.of(p));
        assertThat(q.performances("The Hoppers", "s1")).singleElement()
                .satisfies(r -> assertThat(r.energy()).isNaN());
    }

    @Test
    void latestLeaderboardSkipsRecentWindowsWithoutEnrichedFaces() {
        StageScoreQueries q = queries("board-b", "board-b-perf");
        tables.putWindows("board-b", List.of(
                energetic("rock", T0 - W, 10, 90),
                energetic("rock", T0, 70, 30),
                energetic("pop", T0, 80, 20),
                window("rock", T0 + W, 15, 0, null),          // faces, none enriched
                window("pop", T0 + W, 0, 0, null)));          // no faces
        // T0 + 2W has no items at all; "now" is inside the still open window T0 + 2W
        long now = T0 + 2 * W + 4_000;

        Optional<List<StageWindowScore>> latest = q.latestLeaderboard(now, W, 10);
        assertThat(latest).hasValueSatisfying(board -> {
            assertThat(board).extracting(StageWindowScore::getStageId).containsExactly("pop", "rock");
            assertThat(board).extracting(StageWindowScore::getWindowStartMs).containsOnly(T0);
        });
        assertThat(q.latestLeaderboard(now, W, 2)).as("T0 + 2W and T0 + W only").isEmpty();
        assertThat(q.latestLeaderboard(now, W, 3)).isPresent();
        assertThat(q.latestLeaderboard(T0 + 5, W, 1)).as("now inside window T0")
                .hasValueSatisfying(b -> assertThat(b).hasSize(2));
        assertThat(q.latestLeaderboard(T0 - 1, W, 1)).as("window before T0")
                .hasValueSatisfying(b -> assertThat(b).extracting(StageWindowScore::getStageId).containsExactly("rock"));
        // sliding windows of 10 s every 5 s: starts on the 5 s grid
        tables.putWindows("board-b", List.of(energetic("jazz", T0 + 5_000, 60, 40)));
        assertThat(q.latestLeaderboard(T0 + 9_000, 5_000, 1)).hasValueSatisfying(b ->
                assertThat(b).extracting(StageWindowScore::getStageId).containsExactly("jazz"));
        assertThatThrownBy(() -> q.latestLeaderboard(now, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.latestLeaderboard(now, W, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- 3: performances

    /** Windows of one stage covering [start, start + n windows), energies cycling. */
    private static List<StageWindowScore> stageWindows(String stage, long start, int n, double happy) {
        List<StageWindowScore> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            StageWindowScore w = window(stage, start + k * W, 12 + k % 3, 10 + k % 3,
                    EmotionType.HAPPY, happyCalm(happy + k, 100 - happy - k));
            out.add(w);
        }
        return out;
    }

    private static List<StageWindowScore> playedIn(List<StageWindowScore> windows, ScheduleEvent e) {
        List<StageWindowScore> in = new ArrayList<>();
        for (StageWindowScore w : windows) {
            if (w.midpointMs() >= e.getStartMs() && w.midpointMs() < e.getEndMs()) {
                in.add(w);
            }
        }
        return in;
    }

    @Test
    void performancesListAnArtistsSetsEachFollowedByItsTracksInPlayOrder() {
        StageScoreQueries q = queries("perf-a-stage", "perf-a");
        String artist = "The Hoppers";
        List<ScheduleEvent> events = new ArrayList<>();
        // set s1: track ids not in play order
        long s1 = T0;
        events.add(ScheduleEvent.set("rock", artist, "s1", s1, s1 + 180_000));
        events.add(ScheduleEvent.track("rock", artist, "s1", "10", "Ten First", s1, s1 + 60_000));
        events.add(ScheduleEvent.track("rock", artist, "s1", "02", "Two Second", s1 + 60_000, s1 + 120_000));
        events.add(ScheduleEvent.track("rock", artist, "s1", "01", "One Last", s1 + 120_000, s1 + 180_000));
        // set s10: its id has s1 as a prefix
        long s10 = T0 + 86_400_000L;
        events.add(ScheduleEvent.set("pop", artist, "s10", s10, s10 + 120_000));
        events.add(ScheduleEvent.track("pop", artist, "s10", "01", "Encore", s10, s10 + 120_000));
        // set s1.b: sorts between s1's tracks and s10 ('.' > '#'), must not join s1
        long s1b = T0 + 2 * 86_400_000L;
        events.add(ScheduleEvent.set("jazz", artist, "s1.b", s1b, s1b + 60_000));
        events.add(ScheduleEvent.track("jazz", artist, "s1.b", "01", "Bonus", s1b, s1b + 60_000));
        // set s2 starting across the 12/13-digit epoch-ms boundary (2001-09-09): play order needs the zero padding
        long s2 = 999_999_990_000L;
        events.add(ScheduleEvent.set("rock", artist, "s2", s2, s2 + 60_000));
        events.add(ScheduleEvent.track("rock", artist, "s2", "b", "Before", s2, s2 + 30_000));
        events.add(ScheduleEvent.track("rock", artist, "s2", "a", "After", s2 + 30_000, s2 + 60_000));
        // another artist whose name has this one's as a prefix
        events.add(ScheduleEvent.set("rock", artist + " Tribute", "s1", s1, s1 + 60_000));

        List<StageWindowScore> windows = new ArrayList<>();
        windows.addAll(stageWindows("rock", s1, 18, 40));
        windows.addAll(stageWindows("pop", s10, 12, 70));
        windows.addAll(stageWindows("jazz", s1b, 6, 20));
        windows.addAll(stageWindows("rock", s2, 6, 55));
        List<PerformanceScore> summaries = new ArrayList<>();
        for (ScheduleEvent e : events) {
            List<StageWindowScore> stage = new ArrayList<>();
            for (StageWindowScore w : windows) {
                if (w.getStageId().equals(e.getStageId())) stage.add(w);
            }
            summaries.add(PerformanceScore.summarize(e, playedIn(stage, e)));
        }
        List<PerformanceScore> shuffled = new ArrayList<>(summaries);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        tables.putPerformances("perf-a", shuffled);

        List<PerformanceScore> all = q.performances(artist, null);
        assertThat(all).extracting(p -> p.getSetId() + "/" + (p.getTrackId() == null ? "SET" : p.getTrackId()))
                .containsExactly("s1/SET", "s1/10", "s1/02", "s1/01", "s1.b/SET", "s1.b/01", "s10/SET", "s10/01",
                        "s2/SET", "s2/b", "s2/a");
        assertThat(all).extracting(PerformanceScore::getArtist).containsOnly(artist);

        assertThat(q.performances(artist, "s1")).extracting(p -> p.getSetId() + "/" + p.getKind() + "/" + p.getTrackId())
                .containsExactly("s1/SET/null", "s1/TRACK/10", "s1/TRACK/02", "s1/TRACK/01");
        assertThat(q.performances(artist, "s10")).extracting(p -> p.getSetId() + "/" + p.getTrackId())
                .containsExactly("s10/null", "s10/01");
        assertThat(q.performances(artist, "s2")).extracting(PerformanceScore::getTrackId)
                .containsExactly(null, "b", "a");
        assertThat(q.performances(artist, "s")).isEmpty();
        assertThat(q.performances("Nobody", null)).isEmpty();
        assertThat(q.performances(artist + " Tribute", null)).singleElement()
                .extracting(PerformanceScore::getSetId).isEqualTo("s1");

        // values survive the round trip (means as stored, 3 decimals)
        PerformanceScore expected = summaries.get(0);
        PerformanceScore got = all.get(0);
        assertThat(got.getKind()).isEqualTo(ScheduleEvent.Kind.SET);
        assertThat(got.getStageId()).isEqualTo("rock");
        assertThat(got.getStartMs()).isEqualTo(s1);
        assertThat(got.getEndMs()).isEqualTo(s1 + 180_000);
        assertThat(got.getWindows()).isEqualTo(18);
        assertThat(got.getFacesDetected()).isEqualTo(expected.getFacesDetected());
        assertThat(got.getFacesEnriched()).isEqualTo(expected.getFacesEnriched());
        assertThat(got.getDominantCounts()).isEqualTo(expected.getDominantCounts());
        for (EmotionType e : EmotionType.values()) {
            assertThat(got.meanConfidence(e)).isCloseTo(expected.meanConfidence(e), within(0.0005));
        }
        assertThat(got.energy()).isCloseTo(expected.energy(), within(0.001));
        PerformanceScore track = all.get(1);
        assertThat(track.getTrackTitle()).isEqualTo("Ten First");
        assertThat(track.getWindows()).isEqualTo(6);
    }
}
