package dev.crowdemotion.local.demo;

import dev.crowdemotion.scores.EmotionType;
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
 * Reads the stage-scores table and prints each (stage, window) item once it appears or changes,
 * as a table grouped by window. Reading the table, rather than the job's output stream, shows
 * what analysts actually get from DynamoDB.
 */
final class ScoreBoard {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final EmotionType[] SHOWN = {EmotionType.HAPPY, EmotionType.CALM, EmotionType.SAD,
        EmotionType.SURPRISED, EmotionType.ANGRY, EmotionType.FEAR, EmotionType.DISGUSTED};

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final PrintStream out;
    private final Map<String, StageWindowScore> printed = new HashMap<>();

    ScoreBoard(DynamoDbClient dynamoDb, String table, PrintStream out) {
        this.dynamoDb = dynamoDb;
        this.table = table;
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

    /** Prints new or changed items; returns how many. */
    int printUpdates() {
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
                StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %-8s %6s %6s %8s  %-10s",
                        "stage", "frames", "faces", "enriched", "dominant"));
                for (EmotionType e : SHOWN) {
                    h.append(String.format(Locale.ROOT, " %9s", e.name()));
                }
                out.println(h);
            }
            EmotionType dominant = s.dominantEmotion();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-8s %6d %6d %8d  %-10s",
                    s.getStageId(), s.getFramesSeen(), s.getFacesDetected(), s.getFacesEnriched(),
                    dominant == null ? "-" : dominant.name()));
            for (EmotionType e : SHOWN) {
                line.append(String.format(Locale.ROOT, " %9.1f", s.meanConfidence(e)));
            }
            out.println(line);
        }
        out.flush();
        return fresh.size();
    }
}
