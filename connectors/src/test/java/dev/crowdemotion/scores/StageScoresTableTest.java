package dev.crowdemotion.scores;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StageScoresTableTest {
    @Test
    void itemRoundTripKeepsKeyCountsAndScores() {
        StageWindowScore s = new StageWindowScore();
        s.setStageId("main");
        s.setWindowStartMs(1_763_769_600_000L);
        s.setWindowEndMs(1_763_769_610_000L);
        s.setFramesSeen(20);
        s.setFacesDetected(37);
        s.setFacesEnriched(35);
        double[] means = new double[EmotionType.COUNT];
        means[EmotionType.HAPPY.ordinal()] = 71.25;
        means[EmotionType.CALM.ordinal()] = 12.5;
        s.setMeanConfidence(means);
        long[] counts = new long[EmotionType.COUNT];
        counts[EmotionType.HAPPY.ordinal()] = 30;
        counts[EmotionType.CALM.ordinal()] = 5;
        s.setDominantCounts(counts);

        var item = StageScoresTable.toItem(s);
        assertThat(item.get(StageScoresTable.STAGE_ID).s()).isEqualTo("main");
        assertThat(item.get(StageScoresTable.WINDOW_START).n()).isEqualTo("1763769600000");
        assertThat(item.get(StageScoresTable.DOMINANT_EMOTION).s()).isEqualTo("HAPPY");
        assertThat(StageScoresTable.fromItem(item)).isEqualTo(s);
    }

    @Test
    void windowWithoutEnrichedFacesHasNoDominantEmotion() {
        StageWindowScore s = new StageWindowScore();
        s.setStageId("quiet");
        s.setFramesSeen(3);
        assertThat(StageScoresTable.toItem(s)).doesNotContainKey(StageScoresTable.DOMINANT_EMOTION);
        assertThat(StageScoresTable.fromItem(StageScoresTable.toItem(s)).getFramesSeen()).isEqualTo(3);
    }

    @Test
    void annotatedItemCarriesEnergySharesCoverageTrackAndTtl() {
        StageWindowScore s = new StageWindowScore();
        s.setStageId("rock");
        s.setWindowStartMs(1_000_000);
        s.setWindowEndMs(1_010_000);
        s.setFacesDetected(4);
        s.setFacesEnriched(2);
        double[] means = new double[EmotionType.COUNT];
        means[EmotionType.HAPPY.ordinal()] = 75;
        means[EmotionType.SAD.ordinal()] = 25;
        s.setMeanConfidence(means);
        long[] counts = new long[EmotionType.COUNT];
        counts[EmotionType.HAPPY.ordinal()] = 2;
        s.setDominantCounts(counts);
        s.setArtist("The Hoppers");
        s.setSetId("hoppers-1");
        s.setTrackId("01");
        s.setTrackTitle("Opener");

        var item = StageScoresTable.toItem(s, 1_763_000_000L);
        assertThat(item.get(StageScoresTable.ENERGY).n()).isEqualTo("75.000");
        assertThat(item.get(StageScoresTable.COVERAGE).n()).isEqualTo("0.500");
        assertThat(item.get(StageScoresTable.SHARES).m().get("HAPPY").n()).isEqualTo("1.000");
        assertThat(item.get(StageScoresTable.EXPIRES_AT).n()).isEqualTo("1763000000");
        assertThat(item.get(StageScoresTable.TRACK_TITLE).s()).isEqualTo("Opener");
        assertThat(StageScoresTable.fromItem(item)).isEqualTo(s);
        assertThat(StageScoresTable.toItem(s)).doesNotContainKey(StageScoresTable.EXPIRES_AT);

        s.setFacesEnriched(0);
        s.setDominantCounts(new long[EmotionType.COUNT]);
        s.setMeanConfidence(new double[EmotionType.COUNT]);
        assertThat(StageScoresTable.toItem(s)).as("no energy: not on the leaderboard index")
                .doesNotContainKeys(StageScoresTable.ENERGY, StageScoresTable.SHARES);
    }

    @Test
    void performanceItemsSortSetBeforeItsTracksInPlayOrder() {
        dev.crowdemotion.setlist.ScheduleEvent set = dev.crowdemotion.setlist.ScheduleEvent.set("rock", "A", "s1", 0, 100_000);
        dev.crowdemotion.setlist.ScheduleEvent t2 = dev.crowdemotion.setlist.ScheduleEvent.track("rock", "A", "s1", "b", "B", 50_000, 100_000);
        dev.crowdemotion.setlist.ScheduleEvent t1 = dev.crowdemotion.setlist.ScheduleEvent.track("rock", "A", "s1", "z", "Z", 9_000, 50_000);
        StageWindowScore w = new StageWindowScore();
        w.setFacesEnriched(3);
        w.setFacesDetected(3);
        w.setFramesSeen(1);
        double[] means = new double[EmotionType.COUNT];
        means[EmotionType.SURPRISED.ordinal()] = 50;
        means[EmotionType.CALM.ordinal()] = 50;
        w.setMeanConfidence(means);
        long[] counts = new long[EmotionType.COUNT];
        counts[EmotionType.CALM.ordinal()] = 3;
        w.setDominantCounts(counts);
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (var e : java.util.List.of(t2, set, t1)) {
            PerformanceScore p = PerformanceScore.summarize(e, java.util.List.of(w));
            var item = PerformanceScoresTable.toItem(p, 0);
            assertThat(PerformanceScoresTable.fromItem(item)).isEqualTo(p);
            keys.add(item.get(PerformanceScoresTable.PERFORMANCE).s());
        }
        java.util.Collections.sort(keys);
        assertThat(keys).containsExactly("set#s1", "set#s1#track#0000000009000#z", "set#s1#track#0000000050000#b");
    }
}
