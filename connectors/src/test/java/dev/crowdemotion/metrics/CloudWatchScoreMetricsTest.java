package dev.crowdemotion.metrics;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link ScoreMetrics}: which datapoints a window score becomes. */
class CloudWatchScoreMetricsTest {
    private static final long START = 1_763_769_600_000L;

    static StageWindowScore score(String stage, long frames, long detected, long enriched) {
        StageWindowScore s = new StageWindowScore();
        s.setStageId(stage);
        s.setWindowStartMs(START);
        s.setWindowEndMs(START + 10_000);
        s.setFramesSeen(frames);
        s.setFacesDetected(detected);
        s.setFacesEnriched(enriched);
        if (enriched > 0) {
            double[] conf = new double[EmotionType.COUNT];
            conf[EmotionType.HAPPY.ordinal()] = 60;
            conf[EmotionType.SURPRISED.ordinal()] = 10;
            conf[EmotionType.CALM.ordinal()] = 30;
            s.setMeanConfidence(conf);
            long[] dominant = new long[EmotionType.COUNT];
            dominant[EmotionType.HAPPY.ordinal()] = enriched - 1;
            dominant[EmotionType.CALM.ordinal()] = 1;
            s.setDominantCounts(dominant);
        }
        return s;
    }

    private static Map<String, List<MetricPoint>> byName(List<MetricPoint> points) {
        return points.stream().collect(Collectors.groupingBy(MetricPoint::name));
    }

    @Test
    void aScoreWithEnrichedFacesGivesEveryMetric() {
        StageWindowScore s = score("rock", 20, 8, 4);
        List<MetricPoint> points = ScoreMetrics.toPoints(s, "rock");
        assertThat(points).hasSize(5 + 2 * EmotionType.COUNT);
        assertThat(points).allSatisfy(p -> {
            assertThat(p.timestampMs()).isEqualTo(START);
            assertThat(p.dimension(ScoreMetrics.STAGE)).isEqualTo("rock");
        });
        Map<String, List<MetricPoint>> m = byName(points);
        assertThat(m.get("FramesSeen").get(0).value()).isEqualTo(20);
        assertThat(m.get("FramesSeen").get(0).unit()).isEqualTo("Count");
        assertThat(m.get("FacesDetected").get(0).value()).isEqualTo(8);
        assertThat(m.get("FacesEnriched").get(0).value()).isEqualTo(4);
        assertThat(m.get("Coverage").get(0).value()).isEqualTo(0.5);
        assertThat(m.get("Energy").get(0).value()).isCloseTo(s.energy(), within(1e-9)).isCloseTo(70.0, within(1e-9));
        assertThat(m.get("Energy").get(0).unit()).isEqualTo("None");
        assertThat(m.get("EmotionConfidence")).hasSize(8).allSatisfy(p -> {
            assertThat(p.dimensions().keySet()).containsExactly("Stage", "Emotion");
            assertThat(p.unit()).isEqualTo("Percent");
        });
        assertThat(m.get("EmotionConfidence")).extracting(p -> p.dimension("Emotion"))
                .containsExactlyInAnyOrder("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR");
        assertThat(m.get("EmotionConfidence")).filteredOn(p -> p.dimension("Emotion").equals("HAPPY"))
                .singleElement().extracting(MetricPoint::value).isEqualTo(60.0);
        assertThat(m.get("EmotionShare")).filteredOn(p -> p.dimension("Emotion").equals("HAPPY"))
                .singleElement().extracting(MetricPoint::value).isEqualTo(0.75);
    }

    @Test
    void undefinedValuesAreLeftOutNotPublishedAsZero() {
        Map<String, List<MetricPoint>> noneEnriched = byName(ScoreMetrics.toPoints(score("jazz", 20, 5, 0), "jazz"));
        assertThat(noneEnriched.keySet()).containsExactlyInAnyOrder("FramesSeen", "FacesDetected", "FacesEnriched", "Coverage");
        assertThat(noneEnriched.get("Coverage").get(0).value()).isZero();

        Map<String, List<MetricPoint>> noFaces = byName(ScoreMetrics.toPoints(score("jazz", 20, 0, 0), "other"));
        assertThat(noFaces.keySet()).containsExactlyInAnyOrder("FramesSeen", "FacesDetected", "FacesEnriched");
        assertThat(noFaces.get("FramesSeen").get(0).dimension("Stage")).isEqualTo("other");
    }
}
