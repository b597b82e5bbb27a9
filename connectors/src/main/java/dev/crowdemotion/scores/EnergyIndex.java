package dev.crowdemotion.scores;

/**
 * The headline score of a stage: <b>energy</b>, 0-100, the share of the crowd's emotional signal
 * that is excited and positive.
 *
 * <pre>
 *   energy = 100 x (C[HAPPY] + C[SURPRISED]) / (C[HAPPY] + C[SURPRISED] + C[CALM] + C[SAD]
 *                                                + C[ANGRY] + C[CONFUSED] + C[DISGUSTED] + C[FEAR])
 * </pre>
 * where {@code C[e]} is the mean Rekognition {@code Emotion.Confidence} (0-100) of emotion
 * {@code e} over the enriched faces ({@code FaceDetail.Emotions}). Rekognition's confidences of
 * one face add up to about 100 over its emotion types, so the denominator is about 100 and
 * energy reads as "percent of the crowd's expression that is happy or surprised". A crowd of
 * smiling faces scores near 100, a calm or sad one near 0. Undefined (no value) when no face was
 * enriched. Defined here and in {@code docs/scores.md}; change both together.
 */
public final class EnergyIndex {
    private EnergyIndex() {}

    /**
     * @param meanConfidence mean Confidence 0-100 per {@link EmotionType#ordinal()}
     * @return energy 0-100, or {@link Double#NaN} when every mean is 0 (no enriched face)
     * @throws IllegalArgumentException if the array is not {@link EmotionType#COUNT} long
     */
    public static double of(double[] meanConfidence) {
        if (meanConfidence.length != EmotionType.COUNT) {
            throw new IllegalArgumentException("expected " + EmotionType.COUNT + " means, got " + meanConfidence.length);
        }
        double total = 0;
        for (double c : meanConfidence) {
            total += Math.max(0, c);
        }
        if (total <= 0) {
            return Double.NaN;
        }
        double excited = Math.max(0, meanConfidence[EmotionType.HAPPY.ordinal()])
                + Math.max(0, meanConfidence[EmotionType.SURPRISED.ordinal()]);
        return 100.0 * excited / total;
    }
}
