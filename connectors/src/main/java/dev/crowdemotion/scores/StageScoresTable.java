package dev.crowdemotion.scores;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The DynamoDB stage-scores table: key schema, attribute names, and the mapping between
 * {@link StageWindowScore} and items. One item per (stage, window start); writing the same
 * window again overwrites the item, so replays are idempotent.
 *
 * <pre>
 * stage_id         S   partition key
 * window_start     N   sort key, epoch ms UTC
 * window_end       N   epoch ms UTC, exclusive
 * frames_seen      N
 * faces_detected   N
 * faces_enriched   N
 * mean_confidence  M   {HAPPY: N, SAD: N, ...}, Rekognition Confidence 0-100
 * dominant_counts  M   {HAPPY: N, ...} faces per dominant emotion
 * dominant_emotion S   absent when no face was enriched
 * </pre>
 */
public final class StageScoresTable {
    public static final String STAGE_ID = "stage_id";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String FRAMES_SEEN = "frames_seen";
    public static final String FACES_DETECTED = "faces_detected";
    public static final String FACES_ENRICHED = "faces_enriched";
    public static final String MEAN_CONFIDENCE = "mean_confidence";
    public static final String DOMINANT_COUNTS = "dominant_counts";
    public static final String DOMINANT_EMOTION = "dominant_emotion";

    private StageScoresTable() {}

    /** The item for a score. */
    public static Map<String, AttributeValue> toItem(StageWindowScore s) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(STAGE_ID, AttributeValue.fromS(s.getStageId()));
        item.put(WINDOW_START, n(s.getWindowStartMs()));
        item.put(WINDOW_END, n(s.getWindowEndMs()));
        item.put(FRAMES_SEEN, n(s.getFramesSeen()));
        item.put(FACES_DETECTED, n(s.getFacesDetected()));
        item.put(FACES_ENRICHED, n(s.getFacesEnriched()));
        Map<String, AttributeValue> means = new HashMap<>();
        Map<String, AttributeValue> counts = new HashMap<>();
        for (EmotionType e : EmotionType.values()) {
            means.put(e.name(), AttributeValue.fromN(String.format(Locale.ROOT, "%.3f", s.meanConfidence(e))));
            counts.put(e.name(), n(s.getDominantCounts()[e.ordinal()]));
        }
        item.put(MEAN_CONFIDENCE, AttributeValue.fromM(means));
        item.put(DOMINANT_COUNTS, AttributeValue.fromM(counts));
        EmotionType dominant = s.dominantEmotion();
        if (dominant != null) {
            item.put(DOMINANT_EMOTION, AttributeValue.fromS(dominant.name()));
        }
        return item;
    }

    /**
     * The score stored in an item (means rounded to 3 decimals as stored).
     *
     * @throws IllegalArgumentException if a key attribute is missing
     */
    public static StageWindowScore fromItem(Map<String, AttributeValue> item) {
        if (!item.containsKey(STAGE_ID) || !item.containsKey(WINDOW_START)) {
            throw new IllegalArgumentException("item lacks " + STAGE_ID + " or " + WINDOW_START);
        }
        StageWindowScore s = new StageWindowScore();
        s.setStageId(item.get(STAGE_ID).s());
        s.setWindowStartMs(num(item, WINDOW_START));
        s.setWindowEndMs(num(item, WINDOW_END));
        s.setFramesSeen(num(item, FRAMES_SEEN));
        s.setFacesDetected(num(item, FACES_DETECTED));
        s.setFacesEnriched(num(item, FACES_ENRICHED));
        double[] means = new double[EmotionType.COUNT];
        long[] counts = new long[EmotionType.COUNT];
        Map<String, AttributeValue> m = item.containsKey(MEAN_CONFIDENCE) ? item.get(MEAN_CONFIDENCE).m() : Map.of();
        Map<String, AttributeValue> c = item.containsKey(DOMINANT_COUNTS) ? item.get(DOMINANT_COUNTS).m() : Map.of();
        for (EmotionType e : EmotionType.values()) {
            if (m.containsKey(e.name())) means[e.ordinal()] = Double.parseDouble(m.get(e.name()).n());
            if (c.containsKey(e.name())) counts[e.ordinal()] = Long.parseLong(c.get(e.name()).n());
        }
        s.setMeanConfidence(means);
        s.setDominantCounts(counts);
        return s;
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static long num(Map<String, AttributeValue> item, String key) {
        AttributeValue v = item.get(key);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
