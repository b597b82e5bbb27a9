package dev.crowdemotion.scores;

/**
 * The emotion figures shared by a window score and a performance summary, computed the same
 * way for both: dominant emotion, shares by dominant emotion, coverage and {@link EnergyIndex}.
 * Arrays are indexed by {@link EmotionType#ordinal()}.
 */
public final class EmotionTally {
    private EmotionTally() {}

    /** The emotion most faces showed, or {@code null} if no face was enriched (ties: enum order). */
    public static EmotionType dominant(long[] dominantCounts) {
        EmotionType best = null;
        long bestCount = 0;
        for (EmotionType e : EmotionType.values()) {
            if (dominantCounts[e.ordinal()] > bestCount) {
                best = e;
                bestCount = dominantCounts[e.ordinal()];
            }
        }
        return best;
    }

    /** Share 0..1 of enriched faces whose dominant emotion is {@code e}; 0 when none was enriched. */
    public static double share(long[] dominantCounts, long facesEnriched, EmotionType e) {
        return facesEnriched <= 0 ? 0 : (double) dominantCounts[e.ordinal()] / facesEnriched;
    }

    /** Coverage 0..1: faces enriched / faces detected; {@link Double#NaN} when no face was detected. */
    public static double coverage(long facesDetected, long facesEnriched) {
        return facesDetected <= 0 ? Double.NaN : Math.min(1.0, (double) facesEnriched / facesDetected);
    }
}
