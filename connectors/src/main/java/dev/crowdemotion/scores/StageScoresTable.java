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
 * energy           N   {@link EnergyIndex}, 0-100, 3 decimals; absent when no face was enriched (or
 *                      all their confidences were 0)
 * coverage         N   faces_enriched / faces_detected, 0..1; absent when no face was detected
 * shares           M   {HAPPY: N, ...} share 0..1 of enriched faces per dominant emotion
 * artist, set_id, track_id, track_title  S   what was playing at the window's midpoint (setlist); absent if nothing
 * expires_at       N   epoch seconds; DynamoDB TTL attribute, present only when a TTL is configured
 * </pre>
 *
 * Global secondary index {@value #BY_WINDOW_INDEX}: partition key {@code window_start}, sort key
 * {@code energy}, all attributes projected: the stages of one window ranked by energy
 * (leaderboard). Sparse: windows without enriched faces (no energy) are not on it.
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
    public static final String ENERGY = "energy";
    public static final String COVERAGE = "coverage";
    public static final String SHARES = "shares";
    public static final String ARTIST = "artist";
    public static final String SET_ID = "set_id";
    public static final String TRACK_ID = "track_id";
    public static final String TRACK_TITLE = "track_title";
    /** The DynamoDB TTL attribute (epoch seconds) of both score tables. */
    public static final String EXPIRES_AT = "expires_at";
    /** The leaderboard index: stages of one window ranked by energy. */
    public static final String BY_WINDOW_INDEX = "by-window";

    private StageScoresTable() {}

    /** The item for a score, without TTL. */
    public static Map<String, AttributeValue> toItem(StageWindowScore s) {
        return toItem(s, 0);
    }

    /**
     * The item for a score.
     *
     * @param expiresAtEpochS value of {@value #EXPIRES_AT} (epoch seconds), or {@code <= 0} for none
     */
    public static Map<String, AttributeValue> toItem(StageWindowScore s, long expiresAtEpochS) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(STAGE_ID, AttributeValue.fromS(s.getStageId()));
        item.put(WINDOW_START, n(s.getWindowStartMs()));
        item.put(WINDOW_END, n(s.getWindowEndMs()));
        putFigures(item, s);
        putString(item, ARTIST, s.getArtist());
        putString(item, SET_ID, s.getSetId());
        putString(item, TRACK_ID, s.getTrackId());
        putString(item, TRACK_TITLE, s.getTrackTitle());
        if (expiresAtEpochS > 0) {
            item.put(EXPIRES_AT, n(expiresAtEpochS));
        }
        return item;
    }

    /**
     * Puts the figures a window item and a performance item share: counts, mean confidences,
     * dominant counts, and, where defined, dominant emotion, energy, shares and coverage.
     */
    static void putFigures(Map<String, AttributeValue> item, EmotionFigures f) {
        item.put(FRAMES_SEEN, n(f.getFramesSeen()));
        item.put(FACES_DETECTED, n(f.getFacesDetected()));
        item.put(FACES_ENRICHED, n(f.getFacesEnriched()));
        Map<String, AttributeValue> means = new HashMap<>();
        Map<String, AttributeValue> counts = new HashMap<>();
        for (EmotionType e : EmotionType.values()) {
            means.put(e.name(), decimal(f.meanConfidence(e)));
            counts.put(e.name(), n(f.getDominantCounts()[e.ordinal()]));
        }
        item.put(MEAN_CONFIDENCE, AttributeValue.fromM(means));
        item.put(DOMINANT_COUNTS, AttributeValue.fromM(counts));
        EmotionType dominant = f.dominantEmotion();
        if (dominant != null) {
            item.put(DOMINANT_EMOTION, AttributeValue.fromS(dominant.name()));
            putEnergy(item, f.energy());
            Map<String, AttributeValue> shares = new HashMap<>();
            for (EmotionType e : EmotionType.values()) {
                shares.put(e.name(), decimal(f.share(e)));
            }
            item.put(SHARES, AttributeValue.fromM(shares));
        }
        if (!Double.isNaN(f.coverage())) {
            item.put(COVERAGE, decimal(f.coverage()));
        }
    }

    /** Reads the figures of {@link #putFigures} (means as stored, 3 decimals) into {@code f}. */
    static void readFigures(Map<String, AttributeValue> item, EmotionFigures f) {
        f.setFramesSeen(num(item, FRAMES_SEEN));
        f.setFacesDetected(num(item, FACES_DETECTED));
        f.setFacesEnriched(num(item, FACES_ENRICHED));
        f.setMeanConfidence(emotionNumbers(item, MEAN_CONFIDENCE));
        double[] c = emotionNumbers(item, DOMINANT_COUNTS);
        long[] counts = new long[EmotionType.COUNT];
        for (int e = 0; e < counts.length; e++) {
            counts[e] = (long) c[e];
        }
        f.setDominantCounts(counts);
    }

    /**
     * Puts {@value #ENERGY} unless it is undefined: enriched faces whose confidences are all 0
     * (Rekognition gave only UNKNOWN) have a dominant emotion but no energy, and DynamoDB refuses
     * "NaN" as a number.
     */
    private static void putEnergy(Map<String, AttributeValue> item, double energy) {
        if (!Double.isNaN(energy)) {
            item.put(ENERGY, decimal(energy));
        }
    }

    /** A number with 3 decimals (energies, shares, coverage), as stored. */
    static AttributeValue decimal(double v) {
        return AttributeValue.fromN(String.format(Locale.ROOT, "%.3f", v));
    }

    static void putString(Map<String, AttributeValue> item, String key, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(key, AttributeValue.fromS(value));
        }
    }

    static String string(Map<String, AttributeValue> item, String key) {
        AttributeValue v = item.get(key);
        return v == null ? null : v.s();
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
        readFigures(item, s);
        s.setArtist(string(item, ARTIST));
        s.setSetId(string(item, SET_ID));
        s.setTrackId(string(item, TRACK_ID));
        s.setTrackTitle(string(item, TRACK_TITLE));
        return s;
    }

    /** A map attribute of per-emotion numbers as an array by {@link EmotionType#ordinal()} (0 where absent). */
    static double[] emotionNumbers(Map<String, AttributeValue> item, String key) {
        double[] values = new double[EmotionType.COUNT];
        AttributeValue v = item.get(key);
        Map<String, AttributeValue> m = v == null || !v.hasM() ? Map.of() : v.m();
        for (EmotionType e : EmotionType.values()) {
            AttributeValue x = m.get(e.name());
            if (x != null && x.n() != null) {
                values[e.ordinal()] = Double.parseDouble(x.n());
            }
        }
        return values;
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static long num(Map<String, AttributeValue> item, String key) {
        AttributeValue v = item.get(key);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
