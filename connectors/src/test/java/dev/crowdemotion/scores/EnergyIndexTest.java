package dev.crowdemotion.scores;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EnergyIndexTest {
    static double[] means(Object... pairs) {
        double[] m = new double[EmotionType.COUNT];
        for (int i = 0; i < pairs.length; i += 2) {
            m[((EmotionType) pairs[i]).ordinal()] = ((Number) pairs[i + 1]).doubleValue();
        }
        return m;
    }

    @Test
    void happyAndSurprisedAgainstEverythingElse() {
        assertThat(EnergyIndex.of(means(EmotionType.HAPPY, 95, EmotionType.CALM, 5))).isCloseTo(95, within(1e-12));
        assertThat(EnergyIndex.of(means(EmotionType.HAPPY, 30, EmotionType.SURPRISED, 20, EmotionType.CALM, 40,
                EmotionType.SAD, 10))).isCloseTo(50, within(1e-12));
        assertThat(EnergyIndex.of(means(EmotionType.CALM, 80, EmotionType.SAD, 15, EmotionType.FEAR, 5))).isZero();
        // Rekognition's confidences need not add up to exactly 100: the index is a ratio
        assertThat(EnergyIndex.of(means(EmotionType.HAPPY, 40, EmotionType.ANGRY, 40))).isCloseTo(50, within(1e-12));
    }

    @Test
    void undefinedWithoutEnrichedFacesAndRejectsWrongShapes() {
        assertThat(EnergyIndex.of(new double[EmotionType.COUNT])).isNaN();
        assertThatThrownBy(() -> EnergyIndex.of(new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowScoreDerivesSharesCoverageAndEnergy() {
        StageWindowScore s = new StageWindowScore();
        s.setFacesDetected(10);
        s.setFacesEnriched(8);
        s.setMeanConfidence(means(EmotionType.HAPPY, 60, EmotionType.CALM, 40));
        long[] counts = new long[EmotionType.COUNT];
        counts[EmotionType.HAPPY.ordinal()] = 6;
        counts[EmotionType.CALM.ordinal()] = 2;
        s.setDominantCounts(counts);
        assertThat(s.coverage()).isCloseTo(0.8, within(1e-12));
        assertThat(s.share(EmotionType.HAPPY)).isCloseTo(0.75, within(1e-12));
        assertThat(s.energy()).isCloseTo(60, within(1e-12));
        assertThat(new StageWindowScore().coverage()).isNaN();
    }
}
