package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incrementally aggregates one stage's {@link FaceObservation}s in a window into a
 * {@link StageWindowScore} (without stage and window bounds, which {@link StageWindowResult} adds):
 * frames seen = frame markers; faces detected = sum of the markers' face counts; faces enriched
 * = enriched observations; mean confidence per emotion = sum of Confidence / faces enriched;
 * dominant counts = enriched faces per highest-confidence emotion.
 */
public class StageScoreAggregate
        implements AggregateFunction<FaceObservation, StageScoreAggregate.Accumulator, StageWindowScore> {
    private static final long serialVersionUID = 1L;

    /** Running sums for one stage and window. Flink POJO. */
    public static class Accumulator {
        public long framesSeen;
        public long facesDetected;
        public long facesEnriched;
        public double[] confidenceSums = new double[EmotionType.COUNT];
        public long[] dominantCounts = new long[EmotionType.COUNT];
    }

    @Override
    public Accumulator createAccumulator() {
        return new Accumulator();
    }

    @Override
    public Accumulator add(FaceObservation o, Accumulator acc) {
        if (o.isFrameMarker()) {
            acc.framesSeen++;
            acc.facesDetected += o.getFacesInFrame();
        } else if (o.isEnriched()) {
            acc.facesEnriched++;
            float[] c = o.getConfidences();
            for (int i = 0; i < EmotionType.COUNT; i++) {
                acc.confidenceSums[i] += c[i];
            }
            EmotionType dominant = o.dominantEmotion();
            if (dominant != null) { // no dominant emotion when Rekognition said only UNKNOWN
                acc.dominantCounts[dominant.ordinal()]++;
            }
        }
        return acc;
    }

    @Override
    public StageWindowScore getResult(Accumulator acc) {
        StageWindowScore s = new StageWindowScore();
        s.setFramesSeen(acc.framesSeen);
        s.setFacesDetected(acc.facesDetected);
        s.setFacesEnriched(acc.facesEnriched);
        double[] means = new double[EmotionType.COUNT];
        if (acc.facesEnriched > 0) {
            for (int i = 0; i < EmotionType.COUNT; i++) {
                means[i] = acc.confidenceSums[i] / acc.facesEnriched;
            }
        }
        s.setMeanConfidence(means);
        s.setDominantCounts(acc.dominantCounts.clone());
        return s;
    }

    @Override
    public Accumulator merge(Accumulator a, Accumulator b) {
        a.framesSeen += b.framesSeen;
        a.facesDetected += b.facesDetected;
        a.facesEnriched += b.facesEnriched;
        for (int i = 0; i < EmotionType.COUNT; i++) {
            a.confidenceSums[i] += b.confidenceSums[i];
            a.dominantCounts[i] += b.dominantCounts[i];
        }
        return a;
    }
}
