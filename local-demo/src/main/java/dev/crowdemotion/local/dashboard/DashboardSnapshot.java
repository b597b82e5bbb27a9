package dev.crowdemotion.local.dashboard;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/dashboard} answers: one consistent read of the score tables for the
 * page. Times are epoch ms UTC; numbers that have no value (energy of a window without enriched
 * faces, coverage of a window without faces) are {@code null}, never NaN.
 *
 * @param generatedAt when the snapshot was read
 * @param from        oldest window start of the timelines (inclusive)
 * @param to          newest window start of the timelines (inclusive)
 * @param slideMs     window slide: window starts are multiples of it
 * @param emotions    the emotion names, in the order of {@link Point#meanConfidence()}
 * @param leaderboard the newest window in range that has scored stages, or {@code null}
 * @param stages      every stage on a leaderboard of a window in range, by name
 */
public record DashboardSnapshot(long generatedAt, long from, long to, long slideMs, List<String> emotions,
                                Leaderboard leaderboard, List<StageTimeline> stages) {

    /** The stages of one window, highest energy first. */
    public record Leaderboard(long windowStart, long windowEnd, List<Entry> entries) {}

    /**
     * One stage on the leaderboard.
     *
     * @param rank            1 = highest energy
     * @param energy          energy 0-100 (3 decimals)
     * @param coverage        faces enriched / faces detected, 0..1, or {@code null} without faces
     * @param dominantEmotion the emotion most faces showed
     * @param dominantShare   share 0..1 of enriched faces showing it
     * @param artist          artist playing at the window's midpoint, or {@code null}
     * @param trackTitle      track playing at the window's midpoint, or {@code null}
     */
    public record Entry(int rank, String stage, Double energy, Double coverage, long facesDetected,
                        long facesEnriched, String dominantEmotion, Double dominantShare, String artist,
                        String trackTitle) {}

    /**
     * One stage's windows in range, oldest first.
     *
     * @param nowPlaying what its newest window says was playing, or {@code null} if nothing was
     *                   scheduled then
     */
    public record StageTimeline(String stage, NowPlaying nowPlaying, List<Point> points) {}

    /** The setlist annotation of a stage's newest window. */
    public record NowPlaying(long windowStart, long windowEnd, String artist, String setId, String trackId,
                             String trackTitle) {}

    /**
     * One window of a stage.
     *
     * @param energy         0-100, or {@code null} when no face was enriched
     * @param coverage       0..1, or {@code null} when no face was detected
     * @param meanConfidence mean Rekognition confidence 0-100 per emotion name (in
     *                       {@link DashboardSnapshot#emotions()} order), values {@code null}
     *                       when no face was enriched
     */
    public record Point(long windowStart, long windowEnd, Double energy, Double coverage, long framesSeen,
                        long facesDetected, long facesEnriched, String dominantEmotion,
                        Map<String, Double> meanConfidence) {}
}
