package dev.crowdemotion.metrics;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The business metrics of one {@link StageWindowScore}, as CloudWatch datapoints timestamped at
 * the window's start (see {@code docs/metrics.md}):
 *
 * <table>
 *   <caption>metrics per score</caption>
 *   <tr><th>name</th><th>dimensions</th><th>unit</th><th>value</th></tr>
 *   <tr><td>{@value #FRAMES_SEEN}</td><td>Stage</td><td>Count</td><td>frames in the window</td></tr>
 *   <tr><td>{@value #FACES_DETECTED}</td><td>Stage</td><td>Count</td><td>faces found</td></tr>
 *   <tr><td>{@value #FACES_ENRICHED}</td><td>Stage</td><td>Count</td><td>faces with Rekognition emotions</td></tr>
 *   <tr><td>{@value #COVERAGE}</td><td>Stage</td><td>None</td><td>enriched / detected, 0..1; omitted without a detected face</td></tr>
 *   <tr><td>{@value #ENERGY}</td><td>Stage</td><td>None</td><td>energy index 0-100; omitted without an enriched face</td></tr>
 *   <tr><td>{@value #EMOTION_CONFIDENCE}</td><td>Stage, Emotion</td><td>Percent</td><td>mean Rekognition confidence 0-100; omitted without an enriched face</td></tr>
 *   <tr><td>{@value #EMOTION_SHARE}</td><td>Stage, Emotion</td><td>None</td><td>share of enriched faces with that dominant emotion, 0..1; omitted without an enriched face</td></tr>
 * </table>
 * Emotion values are the 8 {@link EmotionType} names. So a score gives 3 to 21 datapoints.
 */
public final class ScoreMetrics {
    private ScoreMetrics() {}

    /** Dimension: the stage id, or {@value #OTHER_STAGE} beyond the cardinality cap. */
    public static final String STAGE = "Stage";
    /** Dimension: an {@link EmotionType} name. */
    public static final String EMOTION = "Emotion";
    /** The {@value #STAGE} value of stages beyond {@code CloudWatch.max.stages}. */
    public static final String OTHER_STAGE = "other";

    /** Energy index 0-100 ({@code EnergyIndex}), unit None. */
    public static final String ENERGY = "Energy";
    /** Frames seen in the window, unit Count. */
    public static final String FRAMES_SEEN = "FramesSeen";
    /** Faces detected in the window's frames, unit Count. */
    public static final String FACES_DETECTED = "FacesDetected";
    /** Faces Rekognition gave emotions for, unit Count. */
    public static final String FACES_ENRICHED = "FacesEnriched";
    /** Faces enriched / detected, 0..1, unit None. */
    public static final String COVERAGE = "Coverage";
    /** Mean Rekognition confidence 0-100 of one emotion, unit Percent. */
    public static final String EMOTION_CONFIDENCE = "EmotionConfidence";
    /** Share 0..1 of enriched faces whose dominant emotion is this one, unit None. */
    public static final String EMOTION_SHARE = "EmotionShare";

    /**
     * @param score a window's score
     * @param stage the {@value #STAGE} value to publish it under (its stage id, or {@value #OTHER_STAGE})
     * @return its datapoints, timestamped at the window start
     */
    public static List<MetricPoint> toPoints(StageWindowScore score, String stage) {
        long ts = score.getWindowStartMs();
        Map<String, String> byStage = Map.of(STAGE, stage);
        List<MetricPoint> points = new ArrayList<>(3 + 2 + 2 * EmotionType.COUNT);
        points.add(MetricPoint.of(FRAMES_SEEN, byStage, score.getFramesSeen(), StandardUnit.COUNT, ts));
        points.add(MetricPoint.of(FACES_DETECTED, byStage, score.getFacesDetected(), StandardUnit.COUNT, ts));
        points.add(MetricPoint.of(FACES_ENRICHED, byStage, score.getFacesEnriched(), StandardUnit.COUNT, ts));
        double coverage = score.coverage();
        if (!Double.isNaN(coverage)) {
            points.add(MetricPoint.of(COVERAGE, byStage, coverage, StandardUnit.NONE, ts));
        }
        double energy = score.energy();
        if (!Double.isNaN(energy)) {
            points.add(MetricPoint.of(ENERGY, byStage, energy, StandardUnit.NONE, ts));
        }
        if (score.getFacesEnriched() > 0) {
            for (EmotionType e : EmotionType.values()) {
                Map<String, String> dims = new LinkedHashMap<>();
                dims.put(STAGE, stage);
                dims.put(EMOTION, e.name());
                points.add(MetricPoint.of(EMOTION_CONFIDENCE, dims, score.meanConfidence(e), StandardUnit.PERCENT, ts));
                points.add(MetricPoint.of(EMOTION_SHARE, dims, score.share(e), StandardUnit.NONE, ts));
            }
        }
        return points;
    }
}
