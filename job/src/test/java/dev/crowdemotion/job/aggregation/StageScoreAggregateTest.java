package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StageScoreAggregateTest {
    private final StageScoreAggregate agg = new StageScoreAggregate();

    private static FaceCrop face(int index) {
        return FaceCrop.face("s", "c", 1000, 1, 3, index, 0, 0, 0.1f, 0.1f, 0.9f, new byte[] {1});
    }

    private static float[] conf(EmotionType dominant, float value, EmotionType second, float secondValue) {
        float[] c = new float[EmotionType.COUNT];
        c[dominant.ordinal()] = value;
        c[second.ordinal()] = secondValue;
        return c;
    }

    @Test
    void countsFramesFacesAndAveragesConfidencesOverEnrichedFacesOnly() {
        StageScoreAggregate.Accumulator acc = agg.createAccumulator();
        acc = agg.add(FaceObservation.frameMarker(FaceCrop.frameMarker("s", "c", 1000, 1, 3)), acc);
        acc = agg.add(FaceObservation.frameMarker(FaceCrop.frameMarker("s", "c", 2000, 2, 0)), acc);
        acc = agg.add(FaceObservation.enriched(face(0), conf(EmotionType.HAPPY, 90, EmotionType.CALM, 10)), acc);
        acc = agg.add(FaceObservation.enriched(face(1), conf(EmotionType.HAPPY, 60, EmotionType.CALM, 40)), acc);
        acc = agg.add(FaceObservation.enriched(face(2), conf(EmotionType.CALM, 70, EmotionType.HAPPY, 30)), acc);
        acc = agg.add(FaceObservation.unenriched(face(2), "TIMEOUT"), acc);

        StageWindowScore s = agg.getResult(acc);
        assertThat(s.getFramesSeen()).isEqualTo(2);
        assertThat(s.getFacesDetected()).isEqualTo(3);
        assertThat(s.getFacesEnriched()).isEqualTo(3);
        assertThat(s.meanConfidence(EmotionType.HAPPY)).isCloseTo(60.0, within(1e-9));
        assertThat(s.meanConfidence(EmotionType.CALM)).isCloseTo(40.0, within(1e-9));
        assertThat(s.getDominantCounts()[EmotionType.HAPPY.ordinal()]).isEqualTo(2);
        assertThat(s.getDominantCounts()[EmotionType.CALM.ordinal()]).isEqualTo(1);
        assertThat(s.dominantEmotion()).isEqualTo(EmotionType.HAPPY);
    }

    @Test
    void aFaceWithOnlyUnknownEmotionsIsEnrichedButHasNoDominantEmotionAndTheWindowNoEnergy() {
        StageScoreAggregate.Accumulator acc = agg.createAccumulator();
        acc = agg.add(FaceObservation.enriched(face(0), new float[EmotionType.COUNT]), acc);
        StageWindowScore s = agg.getResult(acc);
        assertThat(s.getFacesEnriched()).isEqualTo(1);
        assertThat(s.dominantEmotion()).isNull();
        assertThat(s.energy()).isNaN();
        assertThat(dev.crowdemotion.scores.StageScoresTable.toItem(s)).doesNotContainKey("energy");
    }

    @Test
    void mergeEqualsSequentialAdd() {
        StageScoreAggregate.Accumulator a = agg.createAccumulator();
        StageScoreAggregate.Accumulator b = agg.createAccumulator();
        StageScoreAggregate.Accumulator all = agg.createAccumulator();
        FaceObservation m = FaceObservation.frameMarker(FaceCrop.frameMarker("s", "c", 1000, 1, 2));
        FaceObservation f = FaceObservation.enriched(face(0), conf(EmotionType.SAD, 80, EmotionType.FEAR, 20));
        agg.add(m, a);
        agg.add(f, b);
        agg.add(m, all);
        agg.add(f, all);
        assertThat(agg.getResult(agg.merge(a, b))).isEqualTo(agg.getResult(all));
    }

    @Test
    void emptyWindowHasZeroMeansNotNaN() {
        StageWindowScore s = agg.getResult(agg.add(
                FaceObservation.frameMarker(FaceCrop.frameMarker("s", "c", 1, 1, 0)), agg.createAccumulator()));
        assertThat(s.getMeanConfidence()).containsOnly(0.0);
        assertThat(s.dominantEmotion()).isNull();
    }
}
