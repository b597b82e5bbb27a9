package dev.crowdemotion.scores;

import java.util.Arrays;
import java.util.Objects;

/**
 * The emotion scores of one stage in one event-time window: what the job writes to DynamoDB,
 * one item per (stage, window start).
 *
 * <ul>
 *   <li>{@code framesSeen}: frames with a capture time in the window that were decoded;</li>
 *   <li>{@code facesDetected}: faces the detector found in those frames;</li>
 *   <li>{@code facesEnriched}: faces for which Rekognition returned emotions;</li>
 *   <li>{@code meanConfidence[e]}: mean of Rekognition's Confidence (0-100) for emotion {@code e}
 *       over the enriched faces (0 when none), indexed by {@link EmotionType#ordinal()};</li>
 *   <li>{@code dominantCounts[e]}: number of enriched faces whose highest-confidence emotion is {@code e};</li>
 *   <li>{@code artist}, {@code setId}, {@code trackId}, {@code trackTitle}: what was playing on the
 *       stage at the window's midpoint, from the setlist ({@code null} when nothing was scheduled).</li>
 * </ul>
 * Derived ({@link EmotionFigures}): {@link #energy()} ({@link EnergyIndex}), {@link #share}, {@link #coverage()}. Flink POJO.
 */
public class StageWindowScore implements EmotionFigures {
    private String stageId;
    private long windowStartMs;
    private long windowEndMs;
    private long framesSeen;
    private long facesDetected;
    private long facesEnriched;
    private double[] meanConfidence = new double[EmotionType.COUNT];
    private long[] dominantCounts = new long[EmotionType.COUNT];
    private String artist;
    private String setId;
    private String trackId;
    private String trackTitle;

    /** For Flink's POJO serializer. */
    public StageWindowScore() {}

    public String getStageId() { return stageId; }
    public void setStageId(String stageId) { this.stageId = stageId; }
    /** Window start, epoch ms UTC, inclusive. */
    public long getWindowStartMs() { return windowStartMs; }
    public void setWindowStartMs(long windowStartMs) { this.windowStartMs = windowStartMs; }
    /** Window end, epoch ms UTC, exclusive. */
    public long getWindowEndMs() { return windowEndMs; }
    public void setWindowEndMs(long windowEndMs) { this.windowEndMs = windowEndMs; }
    public long getFramesSeen() { return framesSeen; }
    public void setFramesSeen(long framesSeen) { this.framesSeen = framesSeen; }
    public long getFacesDetected() { return facesDetected; }
    public void setFacesDetected(long facesDetected) { this.facesDetected = facesDetected; }
    public long getFacesEnriched() { return facesEnriched; }
    public void setFacesEnriched(long facesEnriched) { this.facesEnriched = facesEnriched; }
    /** Mean confidence 0-100 per {@link EmotionType#ordinal()}. */
    public double[] getMeanConfidence() { return meanConfidence; }
    public void setMeanConfidence(double[] meanConfidence) { this.meanConfidence = meanConfidence; }
    /** Face counts per dominant emotion, per {@link EmotionType#ordinal()}. */
    public long[] getDominantCounts() { return dominantCounts; }
    public void setDominantCounts(long[] dominantCounts) { this.dominantCounts = dominantCounts; }


    /** The artist playing at the window's midpoint, or {@code null}. */
    public String getArtist() { return artist; }
    public void setArtist(String artist) { this.artist = artist; }
    /** The set playing at the window's midpoint, or {@code null}. */
    public String getSetId() { return setId; }
    public void setSetId(String setId) { this.setId = setId; }
    /** The track playing at the window's midpoint, or {@code null}. */
    public String getTrackId() { return trackId; }
    public void setTrackId(String trackId) { this.trackId = trackId; }
    public String getTrackTitle() { return trackTitle; }
    public void setTrackTitle(String trackTitle) { this.trackTitle = trackTitle; }

    /** The window's midpoint, epoch ms UTC: the instant that decides which track a window belongs to. */
    public long midpointMs() {
        return windowStartMs + (windowEndMs - windowStartMs) / 2;
    }





    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StageWindowScore)) return false;
        StageWindowScore s = (StageWindowScore) o;
        return windowStartMs == s.windowStartMs && windowEndMs == s.windowEndMs && framesSeen == s.framesSeen
                && facesDetected == s.facesDetected && facesEnriched == s.facesEnriched
                && Objects.equals(stageId, s.stageId) && Arrays.equals(meanConfidence, s.meanConfidence)
                && Arrays.equals(dominantCounts, s.dominantCounts) && Objects.equals(artist, s.artist)
                && Objects.equals(setId, s.setId) && Objects.equals(trackId, s.trackId)
                && Objects.equals(trackTitle, s.trackTitle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stageId, windowStartMs, framesSeen, facesDetected, facesEnriched);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("StageWindowScore{stage=").append(stageId).append(", window=[").append(windowStartMs)
                .append(",").append(windowEndMs).append("), frames=").append(framesSeen)
                .append(", faces=").append(facesDetected).append(", enriched=").append(facesEnriched)
                .append(", dominant=").append(dominantEmotion());
        if (trackId != null || setId != null) {
            sb.append(", artist=").append(artist).append(", set=").append(setId).append(", track=").append(trackId);
        }
        sb.append('}');
        return sb.toString();
    }
}
