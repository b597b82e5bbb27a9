package dev.crowdemotion.scores;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The documented read access patterns of the score tables ({@code docs/scores.md}), each one
 * DynamoDB Query (no scans):
 * <ol>
 *   <li>{@link #timeline}: one stage's windows over a time range (base table, key condition on
 *       {@code stage_id} and {@code window_start BETWEEN});</li>
 *   <li>{@link #leaderboard}: all stages of one window ranked by energy (index
 *       {@value StageScoresTable#BY_WINDOW_INDEX}, descending); {@link #latestLeaderboard} finds the
 *       newest window that has one;</li>
 *   <li>{@link #performances}: an artist's per-set and per-track summaries (performance table,
 *       {@code artist}, optionally {@code begins_with(performance, "set#<set_id>")}).</li>
 * </ol>
 * Reads are eventually consistent (the index can only be read so), which is what a dashboard
 * refreshing every few seconds needs.
 */
public final class StageScoreQueries {
    private final DynamoDbClient dynamoDb;
    private final String stageTable;
    private final String performanceTable;

    /**
     * @param dynamoDb         a client for the tables' account and region (or DynamoDB Local)
     * @param stageTable       the stage-scores table ({@code ScoresSink.table.name})
     * @param performanceTable the performance-scores table ({@code ScoresSink.performance.table.name})
     */
    public StageScoreQueries(DynamoDbClient dynamoDb, String stageTable, String performanceTable) {
        this.dynamoDb = dynamoDb;
        this.stageTable = stageTable;
        this.performanceTable = performanceTable;
    }

    /**
     * Access pattern 1: one stage's windows with {@code fromMs <= window_start <= toMs} (epoch ms
     * UTC), oldest first; empty when {@code fromMs > toMs} (DynamoDB refuses such a BETWEEN).
     */
    public List<StageWindowScore> timeline(String stageId, long fromMs, long toMs) {
        if (fromMs > toMs) {
            return new ArrayList<>();
        }
        QueryRequest q = QueryRequest.builder().tableName(stageTable)
                .keyConditionExpression("#s = :s AND #w BETWEEN :a AND :b")
                .expressionAttributeNames(Map.of("#s", StageScoresTable.STAGE_ID, "#w", StageScoresTable.WINDOW_START))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(stageId),
                        ":a", StageScoresTable.n(fromMs), ":b", StageScoresTable.n(toMs)))
                .build();
        List<StageWindowScore> out = new ArrayList<>();
        dynamoDb.queryPaginator(q).items().forEach(i -> out.add(StageScoresTable.fromItem(i)));
        return out;
    }

    /**
     * Access pattern 2: the stages of the window starting at {@code windowStartMs} (epoch ms UTC),
     * highest energy first. Stages without enriched faces in the window have no energy and are
     * not listed.
     */
    public List<StageWindowScore> leaderboard(long windowStartMs) {
        QueryRequest q = QueryRequest.builder().tableName(stageTable).indexName(StageScoresTable.BY_WINDOW_INDEX)
                .keyConditionExpression("#w = :w")
                .expressionAttributeNames(Map.of("#w", StageScoresTable.WINDOW_START))
                .expressionAttributeValues(Map.of(":w", StageScoresTable.n(windowStartMs)))
                .scanIndexForward(false)
                .build();
        List<StageWindowScore> out = new ArrayList<>();
        dynamoDb.queryPaginator(q).items().forEach(i -> out.add(StageScoresTable.fromItem(i)));
        return out;
    }

    /**
     * "Best stage now": the leaderboard of the newest window, at or before {@code nowMs}, that has
     * one, looking back at most {@code lookback} windows of {@code slideMs} (one Query each).
     *
     * @return the ranked window, or empty if none of those windows has a scored stage
     * @throws IllegalArgumentException if {@code slideMs <= 0} or {@code lookback < 1}
     */
    public Optional<List<StageWindowScore>> latestLeaderboard(long nowMs, long slideMs, int lookback) {
        if (slideMs <= 0 || lookback < 1) {
            throw new IllegalArgumentException("slideMs must be > 0 and lookback >= 1");
        }
        long start = Math.floorDiv(nowMs, slideMs) * slideMs;
        for (int k = 0; k < lookback; k++, start -= slideMs) {
            List<StageWindowScore> board = leaderboard(start);
            if (!board.isEmpty()) {
                return Optional.of(board);
            }
        }
        return Optional.empty();
    }

    /**
     * Access pattern 3: an artist's set and track summaries, in key order (each set, then its
     * tracks in play order); only those of {@code setId} when it is not {@code null}.
     */
    public List<PerformanceScore> performances(String artist, String setId) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(performanceTable);
        if (setId == null) {
            q.keyConditionExpression("#a = :a")
                    .expressionAttributeNames(Map.of("#a", PerformanceScoresTable.ARTIST))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(artist)));
        } else {
            q.keyConditionExpression("#a = :a AND begins_with(#p, :p)")
                    .expressionAttributeNames(Map.of("#a", PerformanceScoresTable.ARTIST, "#p", PerformanceScoresTable.PERFORMANCE))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(artist),
                            ":p", AttributeValue.fromS(PerformanceScoresTable.setPrefix(setId))));
        }
        List<PerformanceScore> out = new ArrayList<>();
        dynamoDb.queryPaginator(q.build()).items().forEach(i -> out.add(PerformanceScoresTable.fromItem(i)));
        if (setId != null) {
            // begins_with("set#a") also matches set "ab": keep the set's own items only
            out.removeIf(p -> !setId.equals(p.getSetId()));
        }
        return out;
    }
}
