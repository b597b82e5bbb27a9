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
}
