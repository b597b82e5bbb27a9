package dev.crowdemotion.setlist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.crowdemotion.frame.FrameCodec;

import java.util.regex.Pattern;

/**
 * The JSON form of a {@link ScheduleEvent}, one object per Kinesis record or per line of a
 * setlist file (JSON Lines):
 * <pre>
 * {"type":"set",   "stage_id":"rock", "artist":"The Hoppers", "set_id":"2026-07-04-rock-hoppers",
 *  "start_ms":1783191600000, "end_ms":1783195200000}
 * {"type":"track", "stage_id":"rock", "artist":"The Hoppers", "set_id":"2026-07-04-rock-hoppers",
 *  "track_id":"01", "title":"Opening Song", "start_ms":1783191600000, "end_ms":1783191840000}
 * </pre>
 * Rules: {@code type} is {@code set} or {@code track}; {@code stage_id}, {@code set_id} and
 * {@code track_id} match {@value #ID_PATTERN} (the camera contract's id rule); {@code artist}
 * and {@code title} are 1-200 characters; times are epoch ms UTC with
 * {@code 0 < end_ms - start_ms <= 24 h}. A later event with the same set (and track) replaces
 * an earlier one. Unknown fields are ignored.
 */
public final class ScheduleEvents {
    /** Ids: the frame contract's rule ({@code FrameCodec.ID_PATTERN}). */
    public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    /** Longest set or track, ms. */
    public static final long MAX_DURATION_MS = 24L * 3600 * 1000;
    private static final Pattern ID = FrameCodec.ID_PATTERN;
    private static final int MAX_TEXT = 200;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScheduleEvents() {}

    /**
     * Parses and validates one event.
     *
     * @throws IllegalArgumentException with a message naming the broken rule
     */
    public static ScheduleEvent parse(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = text(n, "type", true);
        String stage = id(n, "stage_id");
        String artist = bounded(n, "artist", true);
        String set = id(n, "set_id");
        long start = time(n, "start_ms");
        long end = time(n, "end_ms");
        if (end <= start || end - start > MAX_DURATION_MS) {
            throw new IllegalArgumentException("end_ms - start_ms must be in (0, 24 h], is " + (end - start));
        }
        switch (type) {
            case "set":
                return ScheduleEvent.set(stage, artist, set, start, end);
            case "track":
                return ScheduleEvent.track(stage, artist, set, id(n, "track_id"), bounded(n, "title", false), start, end);
            default:
                throw new IllegalArgumentException("type must be set or track, not '" + type + "'");
        }
    }

    /** The JSON form of an event (the inverse of {@link #parse}). */
    public static String toJson(ScheduleEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", e.getKind() == ScheduleEvent.Kind.SET ? "set" : "track");
        n.put("stage_id", e.getStageId());
        n.put("artist", e.getArtist());
        n.put("set_id", e.getSetId());
        if (e.getKind() == ScheduleEvent.Kind.TRACK) {
            n.put("track_id", e.getTrackId());
            if (e.getTitle() != null) {
                n.put("title", e.getTitle());
            }
        }
        n.put("start_ms", e.getStartMs());
        n.put("end_ms", e.getEndMs());
        return n.toString();
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing " + field);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asText();
    }

    private static String id(JsonNode n, String field) {
        String v = text(n, field, true);
        if (!ID.matcher(v).matches()) {
            throw new IllegalArgumentException(field + " must match " + ID_PATTERN);
        }
        return v;
    }

    private static String bounded(JsonNode n, String field, boolean required) {
        String v = text(n, field, required);
        if (v != null && (v.isBlank() || v.length() > MAX_TEXT)) {
            throw new IllegalArgumentException(field + " must be 1-" + MAX_TEXT + " characters");
        }
        return v;
    }

    private static long time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be epoch milliseconds (a non-negative integer)");
        }
        return v.asLong();
    }
}
