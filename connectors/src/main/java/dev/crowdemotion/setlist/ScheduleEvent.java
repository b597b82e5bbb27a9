package dev.crowdemotion.setlist;

import java.util.Objects;

/**
 * One entry of a stage's setlist: a <b>set</b> (an artist's slot on a stage) or a <b>track</b>
 * played in a set. Times are epoch ms UTC, start inclusive, end exclusive. The JSON form and its
 * rules are in {@link ScheduleEvents} and {@code docs/scores.md}. Flink POJO.
 */
public class ScheduleEvent {
    /** What an event describes. */
    public enum Kind { SET, TRACK }

    private Kind kind;
    private String stageId;
    private String artist;
    private String setId;
    /** Tracks only. */
    private String trackId;
    /** Tracks only; optional. */
    private String title;
    private long startMs;
    private long endMs;

    /** For Flink's POJO serializer. */
    public ScheduleEvent() {}

    /** A set of {@code artist} on {@code stageId} from {@code startMs} to {@code endMs} (epoch ms UTC). */
    public static ScheduleEvent set(String stageId, String artist, String setId, long startMs, long endMs) {
        ScheduleEvent e = new ScheduleEvent();
        e.kind = Kind.SET;
        e.stageId = stageId;
        e.artist = artist;
        e.setId = setId;
        e.startMs = startMs;
        e.endMs = endMs;
        return e;
    }

    /** A track of set {@code setId} from {@code startMs} to {@code endMs} (epoch ms UTC). */
    public static ScheduleEvent track(String stageId, String artist, String setId, String trackId, String title,
                                      long startMs, long endMs) {
        ScheduleEvent e = set(stageId, artist, setId, startMs, endMs);
        e.kind = Kind.TRACK;
        e.trackId = trackId;
        e.title = title;
        return e;
    }

    public Kind getKind() { return kind; }
    public void setKind(Kind kind) { this.kind = kind; }
    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    public String getArtist() { return artist; }
    public void setArtist(String artist) { this.artist = artist; }
    public String getSetId() { return setId; }
    public void setSetId(String setId) { this.setId = setId; }
    public String getTrackId() { return trackId; }
    public void setTrackId(String trackId) { this.trackId = trackId; }
    public String getTitle() { return title; }
    public void setTitle(String title) { this.title = title; }
    /** Start, epoch ms UTC, inclusive. */
    public long getStartMs() { return startMs; }
    public void setStartMs(long startMs) { this.startMs = startMs; }
    /** End, epoch ms UTC, exclusive. */
    public long getEndMs() { return endMs; }
    public void setEndMs(long endMs) { this.endMs = endMs; }

    /** Whether {@code t} (epoch ms UTC) lies in [start, end). */
    public boolean covers(long t) {
        return t >= startMs && t < endMs;
    }

    /** The key under which a later event replaces this one: kind, set and track. */
    public String key() {
        return kind == Kind.SET ? "set#" + setId : "track#" + setId + "#" + trackId;
    }

    /** A copy shifted by {@code deltaMs} (relative setlists made absolute). */
    public ScheduleEvent shifted(long deltaMs) {
        ScheduleEvent e = kind == Kind.SET ? set(stageId, artist, setId, startMs + deltaMs, endMs + deltaMs)
                : track(stageId, artist, setId, trackId, title, startMs + deltaMs, endMs + deltaMs);
        return e;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScheduleEvent)) return false;
        ScheduleEvent e = (ScheduleEvent) o;
        return kind == e.kind && startMs == e.startMs && endMs == e.endMs && Objects.equals(stageId, e.stageId)
                && Objects.equals(artist, e.artist) && Objects.equals(setId, e.setId)
                && Objects.equals(trackId, e.trackId) && Objects.equals(title, e.title);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, stageId, setId, trackId, startMs, endMs);
    }

    @Override
    public String toString() {
        return "ScheduleEvent{" + kind + " stage=" + stageId + " artist=" + artist + " set=" + setId
                + (kind == Kind.TRACK ? " track=" + trackId + " '" + title + "'" : "")
                + " [" + startMs + "," + endMs + ")}";
    }
}
