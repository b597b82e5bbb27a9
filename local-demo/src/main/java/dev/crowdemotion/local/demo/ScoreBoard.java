package dev.crowdemotion.local.demo;

import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.PerformanceScoresTable;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.scores.StageScoresTable;
import dev.crowdemotion.scores.StageWindowScore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the score tables and prints each (stage, window) item once it appears or changes, as a
 * table grouped by window, and each per-set/per-track summary once it appears or changes.
 * Reading the tables, rather than the job's output stream, shows what analysts actually get from
 * DynamoDB.
 */
final class ScoreBoard {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final EmotionType[] SHOWN = {EmotionType.HAPPY, EmotionType.CALM, EmotionType.SAD,
        EmotionType.SURPRISED, EmotionType.ANGRY, EmotionType.FEAR, EmotionType.DISGUSTED};

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String performanceTable;
    private final PrintStream out;
    private final Map<String, StageWindowScore> printed = new HashMap<>();
    private final Map<String, PerformanceScore> printedPerformances = new HashMap<>();

    ScoreBoard(DynamoDbClient dynamoDb, String table, String performanceTable, PrintStream out) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.performanceTable = performanceTable;
        this.out = out;
    }

    /** All items of the table (a scan: fine for a local demo's few hundred items). */
    List<StageWindowScore> readAll() {
        List<StageWindowScore> all = new ArrayList<>();
        dynamoDb.scanPaginator(ScanRequest.builder().tableName(table).build())
                .items().forEach(item -> all.add(StageScoresTable.fromItem(item)));
        all.sort(Comparator.comparingLong(StageWindowScore::getWindowStartMs).thenComparing(StageWindowScore::getStageId));
        return all;
    }

    /** Prints new or changed items of both tables; returns how many. */
    int printUpdates() {
        return printWindows() + printPerformances();
    }

    /** Prints new or changed per-set/per-track summaries; returns how many. */
    int printPerformances() {
        List<PerformanceScore> fresh = new ArrayList<>();
        dynamoDb.scanPaginator(ScanRequest.builder().tableName(performanceTable).build()).items().forEach(item -> {
            PerformanceScore p = PerformanceScoresTable.fromItem(item);
            String key = p.getArtist() + "@" + PerformanceScoresTable.performanceKey(p);
            if (!p.equals(printedPerformances.get(key))) {
                printedPerformances.put(key, p);
                fresh.add(p);
            }
        });
        fresh.sort(Comparator.comparingLong(PerformanceScore::getEndMs).thenComparing(PerformanceScore::getStageId));
        for (PerformanceScore p : fresh) {
            EmotionType dominant = p.dominantEmotion();
            out.printf(Locale.ROOT, "%n%s summary: %s, %s on %s %s-%s UTC: %d windows, %d faces, %d enriched, energy %s, mostly %s%n",
                    p.getKind() == ScheduleEvent.Kind.SET ? "set" : "track", p.getArtist(),
                    p.getKind() == ScheduleEvent.Kind.SET ? "set " + p.getSetId() : "\"" + p.getTrackTitle() + "\"",
                    p.getStageId(), TIME.format(Instant.ofEpochMilli(p.getStartMs())),
                    TIME.format(Instant.ofEpochMilli(p.getEndMs())), p.getWindows(), p.getFacesDetected(),
                    p.getFacesEnriched(), Double.isNaN(p.energy()) ? "-" : String.format(Locale.ROOT, "%.1f", p.energy()),
                    dominant == null ? "-" : dominant.name());
        }
        out.flush();
        return fresh.size();
    }

    /** Prints new or changed window items; returns how many. */
    int printWindows() {
        List<StageWindowScore> fresh = new ArrayList<>();
        for (StageWindowScore s : readAll()) {
            String key = s.getStageId() + "@" + s.getWindowStartMs();
            if (!s.equals(printed.get(key))) {
                printed.put(key, s);
                fresh.add(s);
            }
        }
        long window = Long.MIN_VALUE;
        for (StageWindowScore s : fresh) {
            if (s.getWindowStartMs() != window) {
                window = s.getWindowStartMs();
                out.printf(Locale.ROOT, "%nwindow %s-%s UTC%n", TIME.format(Instant.ofEpochMilli(s.getWindowStartMs())),
                        TIME.format(Instant.ofEpochMilli(s.getWindowEndMs())));
                StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %-8s %6s %6s %8s %6s  %-10s",
                        "stage", "frames", "faces", "enriched", "energy", "dominant"));
                for (EmotionType e : SHOWN) {
                    h.append(String.format(Locale.ROOT, " %9s", e.name()));
                }
                out.println(h);
            }
            EmotionType dominant = s.dominantEmotion();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-8s %6d %6d %8d %6s  %-10s",
                    s.getStageId(), s.getFramesSeen(), s.getFacesDetected(), s.getFacesEnriched(),
                    Double.isNaN(s.energy()) ? "-" : String.format(Locale.ROOT, "%.1f", s.energy()),
                    dominant == null ? "-" : dominant.name()));
            for (EmotionType e : SHOWN) {
                line.append(String.format(Locale.ROOT, " %9.1f", s.meanConfidence(e)));
            }
            if (s.getArtist() != null) {
                line.append("  ").append(s.getArtist());
                if (s.getTrackTitle() != null) {
                    line.append(" - \"").append(s.getTrackTitle()).append('"');
                }
            }
            out.println(line);
        }
        out.flush();
        return fresh.size();
    }
}
