package dev.crowdemotion.scores;

/**
 * The emotion figures a window score ({@link StageWindowScore}) and a set or track summary
 * ({@link PerformanceScore}) share, and the figures derived from them the same way for both:
 * dominant emotion, shares, coverage and {@link EnergyIndex}. Arrays are indexed by
 * {@link EmotionType#ordinal()}; definitions in {@code docs/scores.md}.
 */
public interface EmotionFigures {
    long getFramesSeen();
    void setFramesSeen(long framesSeen);
    long getFacesDetected();
    void setFacesDetected(long facesDetected);
    long getFacesEnriched();
    void setFacesEnriched(long facesEnriched);
    /** Mean Rekognition Confidence 0-100 per emotion over the enriched faces (0 when none). */
    double[] getMeanConfidence();
    void setMeanConfidence(double[] meanConfidence);
    /** Enriched faces per dominant (highest-confidence) emotion. */
    long[] getDominantCounts();
    void setDominantCounts(long[] dominantCounts);

    /** Mean Confidence 0-100 of one emotion. */
    default double meanConfidence(EmotionType e) {
        return getMeanConfidence()[e.ordinal()];
    }

    /** The emotion most faces showed, or {@code null} if no face had one (ties: enum order). */
    default EmotionType dominantEmotion() {
        EmotionType best = null;
        long bestCount = 0;
        for (EmotionType e : EmotionType.values()) {
            if (getDominantCounts()[e.ordinal()] > bestCount) {
                best = e;
                bestCount = getDominantCounts()[e.ordinal()];
            }
        }
        return best;
    }

    /** Energy 0-100 ({@link EnergyIndex}), or {@link Double#NaN} when no face was enriched. */
    default double energy() {
        return EnergyIndex.of(getMeanConfidence());
    }

    /** Share 0..1 of enriched faces whose dominant emotion is {@code e}; 0 when none was enriched. */
    default double share(EmotionType e) {
        return getFacesEnriched() <= 0 ? 0 : (double) getDominantCounts()[e.ordinal()] / getFacesEnriched();
    }

    /** Faces enriched / faces detected, 0..1, or {@link Double#NaN} when no face was detected. */
    default double coverage() {
        return getFacesDetected() <= 0 ? Double.NaN : Math.min(1.0, (double) getFacesEnriched() / getFacesDetected());
    }
}
