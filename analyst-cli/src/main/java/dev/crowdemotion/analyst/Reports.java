package dev.crowdemotion.analyst;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageWindowScore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of the three reports. Times are ISO-8601 UTC; {@code coverage_pct} is faces
 * enriched / faces detected in percent (0-100; no value without detected faces); {@code energy}
 * is the {@link dev.crowdemotion.scores.EnergyIndex} (0-100; no value without enriched faces);
 * {@code mean_<emotion>} is the mean Rekognition Confidence (0-100) of that emotion over the
 * enriched faces (no value without enriched faces).
 *
 * <p>CSV/JSON columns of a window (timeline, leaderboard): [{@code rank},] {@code window_start},
 * {@code window_end}, {@code stage}, {@code artist}, {@code set_id}, {@code track_id},
 * {@code track_title}, {@code frames_seen}, {@code faces_detected}, {@code faces_enriched},
 * {@code coverage_pct}, {@code energy}, {@code dominant_emotion}, {@code mean_happy} ...
 * {@code mean_fear} (the 8 emotions in {@link EmotionType} order). Of a performance (tracks):
 * {@code kind}, {@code start}, {@code end}, {@code stage}, {@code artist}, {@code set_id},
 * {@code track_id}, {@code track_title}, {@code windows}, then as for a window from
 * {@code frames_seen} on.
 */
public final class Reports {
    /** The emotions the table shows (the energy index's numerator, then the calm and sad side). */
    static final EmotionType[] TABLE_EMOTIONS = {EmotionType.HAPPY, EmotionType.SURPRISED, EmotionType.CALM, EmotionType.SAD};

    private Reports() {}

    /** A window score with its place on a leaderboard (1 = highest energy), or 0 off a leaderboard. */
    public static final class WindowRow {
        /** 1-based rank, 0 when not ranked. */
        public final int rank;
        /** The score read from the table. */
        public final StageWindowScore score;

        /** @param rank 1-based rank on a leaderboard, 0 when not ranked */
        public WindowRow(int rank, StageWindowScore score) {
            this.rank = rank;
            this.score = score;
        }
    }

    /** Rows of a timeline (not ranked). */
    public static List<WindowRow> unranked(List<StageWindowScore> scores) {
        List<WindowRow> rows = new ArrayList<>(scores.size());
        for (StageWindowScore s : scores) {
            rows.add(new WindowRow(0, s));
        }
        return rows;
    }

    /** Rows of a leaderboard, ranked 1, 2, ... in the given order. */
    public static List<WindowRow> ranked(List<StageWindowScore> scores) {
        List<WindowRow> rows = new ArrayList<>(scores.size());
        for (StageWindowScore s : scores) {
            rows.add(new WindowRow(rows.size() + 1, s));
        }
        return rows;
    }

    /**
     * The columns of window rows.
     *
     * @param ranked whether to start with {@code rank} (leaderboard)
     * @param stageInTable whether the table shows the stage (a timeline is one stage's: no)
     */
    public static List<Column<WindowRow>> windowColumns(boolean ranked, boolean stageInTable) {
        List<Column<WindowRow>> c = new ArrayList<>();
        if (ranked) {
            c.add(Column.both("rank", "#", r -> (long) r.rank));
        }
        c.add(Column.both("window_start", "window start (UTC)", r -> Instants.iso(r.score.getWindowStartMs())));
        c.add(Column.data("window_end", r -> Instants.iso(r.score.getWindowEndMs())));
        c.add(Column.table("end", r -> Instants.shortEnd(r.score.getWindowStartMs(), r.score.getWindowEndMs())));
        c.add(stageInTable ? Column.<WindowRow>both("stage", "stage", r -> r.score.getStageId())
                : Column.<WindowRow>data("stage", r -> r.score.getStageId()));
        c.add(Column.<WindowRow>both("artist", "artist", r -> text(r.score.getArtist())).maxWidth(24));
        c.add(Column.data("set_id", r -> r.score.getSetId()));
        c.add(Column.data("track_id", r -> r.score.getTrackId()));
        c.add(Column.data("track_title", r -> r.score.getTrackTitle()));
        c.add(Column.<WindowRow>table("track", r -> track(r.score.getTrackId(), r.score.getTrackTitle())).maxWidth(28));
        c.add(Column.both("frames_seen", "frames", r -> r.score.getFramesSeen()));
        c.add(Column.both("faces_detected", "faces", r -> r.score.getFacesDetected()));
        c.add(Column.both("faces_enriched", "enriched", r -> r.score.getFacesEnriched()));
        c.add(Column.both("coverage_pct", "cov%", r -> 100 * r.score.coverage()));
        c.add(Column.both("energy", "energy", r -> r.score.energy()));
        c.add(Column.both("dominant_emotion", "dominant", r -> name(r.score.dominantEmotion())));
        for (EmotionType e : EmotionType.values()) {
            c.add(Column.data(meanKey(e), r -> mean(r.score.getFacesEnriched(), r.score.meanConfidence(e))));
        }
        for (EmotionType e : TABLE_EMOTIONS) {
            c.add(Column.table(e.name(), r -> mean(r.score.getFacesEnriched(), r.score.meanConfidence(e))));
        }
        return c;
    }

    /** The columns of performance rows (an artist's sets and tracks). */
    public static List<Column<PerformanceScore>> performanceColumns() {
        List<Column<PerformanceScore>> c = new ArrayList<>();
        c.add(Column.both("kind", "kind", p -> p.getKind() == null ? null : p.getKind().name().toLowerCase(Locale.ROOT)));
        c.add(Column.both("start", "start (UTC)", p -> Instants.iso(p.getStartMs())));
        c.add(Column.data("end", p -> Instants.iso(p.getEndMs())));
        c.add(Column.table("end", p -> Instants.shortEnd(p.getStartMs(), p.getEndMs())));
        c.add(Column.both("stage", "stage", PerformanceScore::getStageId));
        c.add(Column.data("artist", PerformanceScore::getArtist));
        c.add(Column.both("set_id", "set", PerformanceScore::getSetId));
        c.add(Column.data("track_id", PerformanceScore::getTrackId));
        c.add(Column.data("track_title", PerformanceScore::getTrackTitle));
        c.add(Column.<PerformanceScore>table("track", p -> text(track(p.getTrackId(), p.getTrackTitle()))).maxWidth(32));
        c.add(Column.both("windows", "windows", PerformanceScore::getWindows));
        c.add(Column.both("frames_seen", "frames", PerformanceScore::getFramesSeen));
        c.add(Column.both("faces_detected", "faces", PerformanceScore::getFacesDetected));
        c.add(Column.both("faces_enriched", "enriched", PerformanceScore::getFacesEnriched));
        c.add(Column.both("coverage_pct", "cov%", p -> 100 * p.coverage()));
        c.add(Column.both("energy", "energy", PerformanceScore::energy));
        c.add(Column.both("dominant_emotion", "dominant", p -> name(p.dominantEmotion())));
        for (EmotionType e : EmotionType.values()) {
            c.add(Column.data(meanKey(e), p -> mean(p.getFacesEnriched(), p.meanConfidence(e))));
        }
        for (EmotionType e : TABLE_EMOTIONS) {
            c.add(Column.table(e.name(), p -> mean(p.getFacesEnriched(), p.meanConfidence(e))));
        }
        return c;
    }

    /** The CSV/JSON key of an emotion's mean Confidence, e.g. {@code mean_happy}. */
    static String meanKey(EmotionType e) {
        return "mean_" + e.name().toLowerCase(Locale.ROOT);
    }

    /** A mean Confidence, or no value (NaN) when no face was enriched: the tables store 0 then. */
    static double mean(long facesEnriched, double mean) {
        return facesEnriched > 0 ? mean : Double.NaN;
    }

    /** "id title", the title alone, the id alone, or null. */
    static String track(String id, String title) {
        if (id == null) {
            return title;
        }
        return title == null ? id : id + " " + title;
    }

    private static String text(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String name(EmotionType e) {
        return e == null ? null : e.name();
    }
}
