package dev.crowdemotion.scores;

import dev.crowdemotion.setlist.ScheduleEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The DynamoDB performance-scores table: per-set and per-track summaries for artists
 * ({@link PerformanceScore}). One item per set and per track; a recomputed summary overwrites its
 * item, so replays and late updates are idempotent.
 *
 * <pre>
 * artist           S   partition key
 * performance      S   sort key: "set#&lt;set_id&gt;" for a set,
 *                      "set#&lt;set_id&gt;#track#&lt;start_ms, 13 digits&gt;#&lt;track_id&gt;" for a track
 *                      (a set's item first, then its tracks in play order)
 * kind             S   SET | TRACK
 * stage_id, set_id, track_id, track_title   S
 * start_ms, end_ms N   epoch ms UTC
 * windows, frames_seen, faces_detected, faces_enriched   N
 * mean_confidence, dominant_counts, shares   M   as in {@link StageScoresTable}
 * dominant_emotion S, energy N, coverage N   absent when undefined
 * expires_at       N   TTL, epoch seconds, only when configured
 * </pre>
 * Access pattern: {@code Query artist = :a} (all sets and tracks), or with
 * {@code begins_with(performance, "set#<set_id>")} for one set and its tracks.
 */
public final class PerformanceScoresTable {
    public static final String ARTIST = "artist";
    public static final String PERFORMANCE = "performance";
    public static final String KIND = "kind";
    public static final String START_MS = "start_ms";
    public static final String END_MS = "end_ms";
    public static final String WINDOWS = "windows";

    private PerformanceScoresTable() {}

    /** The sort-key prefix of one set and its tracks. */
    public static String setPrefix(String setId) {
        return "set#" + setId;
    }

    /** The sort key of a summary. */
    public static String performanceKey(PerformanceScore p) {
        return p.getKind() == ScheduleEvent.Kind.SET ? setPrefix(p.getSetId())
                : setPrefix(p.getSetId()) + String.format(Locale.ROOT, "#track#%013d#%s", p.getStartMs(), p.getTrackId());
    }

    /**
     * The item of a summary.
     *
     * @param expiresAtEpochS TTL value, epoch seconds, or {@code <= 0} for none
     */
    public static Map<String, AttributeValue> toItem(PerformanceScore p, long expiresAtEpochS) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ARTIST, AttributeValue.fromS(p.getArtist()));
        item.put(PERFORMANCE, AttributeValue.fromS(performanceKey(p)));
        item.put(KIND, AttributeValue.fromS(p.getKind().name()));
        item.put(StageScoresTable.STAGE_ID, AttributeValue.fromS(p.getStageId()));
        item.put(StageScoresTable.SET_ID, AttributeValue.fromS(p.getSetId()));
        StageScoresTable.putString(item, StageScoresTable.TRACK_ID, p.getTrackId());
        StageScoresTable.putString(item, StageScoresTable.TRACK_TITLE, p.getTrackTitle());
        item.put(START_MS, StageScoresTable.n(p.getStartMs()));
        item.put(END_MS, StageScoresTable.n(p.getEndMs()));
        item.put(WINDOWS, StageScoresTable.n(p.getWindows()));
        StageScoresTable.putFigures(item, p);
        if (expiresAtEpochS > 0) {
            item.put(StageScoresTable.EXPIRES_AT, StageScoresTable.n(expiresAtEpochS));
        }
        return item;
    }

    /**
     * The summary stored in an item (means rounded to 3 decimals as stored).
     *
     * @throws IllegalArgumentException if a key attribute or the kind is missing
     */
    public static PerformanceScore fromItem(Map<String, AttributeValue> item) {
        if (!item.containsKey(ARTIST) || !item.containsKey(PERFORMANCE) || !item.containsKey(KIND)) {
            throw new IllegalArgumentException("item lacks " + ARTIST + ", " + PERFORMANCE + " or " + KIND);
        }
        PerformanceScore p = new PerformanceScore();
        p.setKind(ScheduleEvent.Kind.valueOf(item.get(KIND).s()));
        p.setArtist(item.get(ARTIST).s());
        p.setStageId(StageScoresTable.string(item, StageScoresTable.STAGE_ID));
        p.setSetId(StageScoresTable.string(item, StageScoresTable.SET_ID));
        p.setTrackId(StageScoresTable.string(item, StageScoresTable.TRACK_ID));
        p.setTrackTitle(StageScoresTable.string(item, StageScoresTable.TRACK_TITLE));
        p.setStartMs(StageScoresTable.num(item, START_MS));
        p.setEndMs(StageScoresTable.num(item, END_MS));
        p.setWindows(StageScoresTable.num(item, WINDOWS));
        StageScoresTable.readFigures(item, p);
        return p;
    }
}
