package dev.crowdemotion.scores;

import dev.crowdemotion.setlist.ScheduleEvent;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a stage's crowd took one set or one track: the window scores whose midpoint falls inside
 * the set's or track's [start, end), summed. Counts are sums over those windows; mean confidences
 * are weighted by each window's faces enriched, so they equal the mean over all enriched faces
 * of the performance. Energy, dominant emotion, shares and coverage are then computed as for a
 * window ({@link EmotionFigures}). Flink POJO.
 */
public class PerformanceScore implements EmotionFigures {
    private ScheduleEvent.Kind kind;
    private String artist;
    private String stageId;
    private String setId;
    private String trackId;
    private String trackTitle;
    private long startMs;
    private long endMs;
    private long windows;
    private long framesSeen;
    private long facesDetected;
    private long facesEnriched;
    private double[] meanConfidence = new double[EmotionType.COUNT];
    private long[] dominantCounts = new long[EmotionType.COUNT];

    /** For Flink's POJO serializer. */
    public PerformanceScore() {}

    /**
     * Sums the window scores of one set or track.
     *
     * @param performance the set or track
     * @param windows     the stage's window scores whose midpoint lies in the performance (no
     *                    overlapping windows: with sliding windows pass one window per window size)
     */
    public static PerformanceScore summarize(ScheduleEvent performance, Iterable<StageWindowScore> windows) {
        PerformanceScore p = new PerformanceScore();
        p.kind = performance.getKind();
        p.artist = performance.getArtist();
        p.stageId = performance.getStageId();
        p.setId = performance.getSetId();
        p.trackId = performance.getTrackId();
        p.trackTitle = performance.getTitle();
        p.startMs = performance.getStartMs();
        p.endMs = performance.getEndMs();
        double[] sums = new double[EmotionType.COUNT];
        for (StageWindowScore w : windows) {
            p.windows++;
            p.framesSeen += w.getFramesSeen();
            p.facesDetected += w.getFacesDetected();
            p.facesEnriched += w.getFacesEnriched();
            for (int e = 0; e < EmotionType.COUNT; e++) {
                sums[e] += w.getMeanConfidence()[e] * w.getFacesEnriched();
                p.dominantCounts[e] += w.getDominantCounts()[e];
            }
        }
        for (int e = 0; e < EmotionType.COUNT; e++) {
            p.meanConfidence[e] = p.facesEnriched == 0 ? 0 : sums[e] / p.facesEnriched;
        }
        return p;
    }

    /** {@code SET} or {@code TRACK}. */
    public ScheduleEvent.Kind getKind() { return kind; }
    public void setKind(ScheduleEvent.Kind kind) { this.kind = kind; }
    public String getArtist() { return artist; }
    public void setArtist(String artist) { this.artist = artist; }
    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    public String getSetId() { return setId; }
    public void setSetId(String setId) { this.setId = setId; }
    /** The track, or {@code null} for a set. */
    public String getTrackId() { return trackId; }
    public void setTrackId(String trackId) { this.trackId = trackId; }
    public String getTrackTitle() { return trackTitle; }
    public void setTrackTitle(String trackTitle) { this.trackTitle = trackTitle; }
    /** Scheduled start, epoch ms UTC. */
    public long getStartMs() { return startMs; }
    public void setStartMs(long startMs) { this.startMs = startMs; }
    /** Scheduled end, epoch ms UTC, exclusive. */
    public long getEndMs() { return endMs; }
    public void setEndMs(long endMs) { this.endMs = endMs; }
    /** Window scores summed. */
    public long getWindows() { return windows; }
    public void setWindows(long windows) { this.windows = windows; }
    public long getFramesSeen() { return framesSeen; }
    public void setFramesSeen(long framesSeen) { this.framesSeen = framesSeen; }
    public long getFacesDetected() { return facesDetected; }
    public void setFacesDetected(long facesDetected) { this.facesDetected = facesDetected; }
    public long getFacesEnriched() { return facesEnriched; }
    public void setFacesEnriched(long facesEnriched) { this.facesEnriched = facesEnriched; }
    /** Mean Confidence 0-100 over the performance's enriched faces, per {@link EmotionType#ordinal()}. */
    public double[] getMeanConfidence() { return meanConfidence; }
    public void setMeanConfidence(double[] meanConfidence) { this.meanConfidence = meanConfidence; }
    public long[] getDominantCounts() { return dominantCounts; }
    public void setDominantCounts(long[] dominantCounts) { this.dominantCounts = dominantCounts; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PerformanceScore)) return false;
        PerformanceScore p = (PerformanceScore) o;
        return kind == p.kind && startMs == p.startMs && endMs == p.endMs && windows == p.windows
                && framesSeen == p.framesSeen && facesDetected == p.facesDetected && facesEnriched == p.facesEnriched
                && Objects.equals(artist, p.artist) && Objects.equals(stageId, p.stageId)
                && Objects.equals(setId, p.setId) && Objects.equals(trackId, p.trackId)
                && Objects.equals(trackTitle, p.trackTitle) && Arrays.equals(meanConfidence, p.meanConfidence)
                && Arrays.equals(dominantCounts, p.dominantCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, artist, setId, trackId, startMs, framesSeen);
    }

    @Override
    public String toString() {
        return "PerformanceScore{" + kind + " artist=" + artist + " stage=" + stageId + " set=" + setId
                + (trackId != null ? " track=" + trackId : "") + " [" + startMs + "," + endMs + ") windows=" + windows
                + " frames=" + framesSeen + " faces=" + facesDetected + " enriched=" + facesEnriched
                + " dominant=" + dominantEmotion() + String.format(java.util.Locale.ROOT, " energy=%.1f", energy()) + "}";
    }
}
