package dev.crowdemotion.scores;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the {@link DynamoDbSink}s of the {@code ScoresSink} property group (table names,
 * {@code ttl.days} and {@code aws.*} keys, passed to the connector as they are). Writes are
 * PutItem requests keyed by the tables' primary keys, so a replayed or updated window or
 * performance overwrites its item. With {@code ttl.days > 0} items carry {@code expires_at} =
 * end (of the window or performance) + ttl, in epoch seconds: the same on every replay.
 */
public final class StageScoreSinks {
    private StageScoreSinks() {}

    /** The sink of window scores ({@link StageScoresTable}). */
    public static DynamoDbSink<StageWindowScore> dynamoDb(CrowdEmotionConfig config) {
        return sink(config, config.tableName(), new WindowItems(ttlMs(config)),
                Arrays.asList(StageScoresTable.STAGE_ID, StageScoresTable.WINDOW_START));
    }

    /** The sink of per-set and per-track summaries ({@link PerformanceScoresTable}). */
    public static DynamoDbSink<PerformanceScore> performances(CrowdEmotionConfig config) {
        return sink(config, config.performanceTableName(), new PerformanceItems(ttlMs(config)),
                Arrays.asList(PerformanceScoresTable.ARTIST, PerformanceScoresTable.PERFORMANCE));
    }

    private static <T> DynamoDbSink<T> sink(CrowdEmotionConfig config, String table,
                                            ElementConverter<T, DynamoDbWriteRequest> converter, List<String> keys) {
        return DynamoDbSink.<T>builder()
                .setTableName(table)
                .setDynamoDbProperties(config.awsProperties(ConfigKeys.GROUP_SCORES_SINK))
                .setElementConverter(converter)
                // Two writes for the same key in one batch: keep the latest (BatchWriteItem rejects duplicates).
                .setOverwriteByPartitionKeys(keys)
                .setFailOnError(false)
                .build();
    }

    private static long ttlMs(CrowdEmotionConfig config) {
        return TimeUnit.DAYS.toMillis(config.ttlDays());
    }

    /** {@code expires_at} for an end time, or 0 without TTL. */
    static long expiresAt(long endMs, long ttlMs) {
        return ttlMs <= 0 ? 0 : (endMs + ttlMs) / 1000;
    }

    private static DynamoDbWriteRequest put(Map<String, AttributeValue> item) {
        return DynamoDbWriteRequest.builder().setType(DynamoDbWriteRequestType.PUT).setItem(item).build();
    }

    /** Converts a window score to a PutItem request. */
    static final class WindowItems implements ElementConverter<StageWindowScore, DynamoDbWriteRequest> {
        private static final long serialVersionUID = 1L;
        private final long ttlMs;

        WindowItems(long ttlMs) {
            this.ttlMs = ttlMs;
        }

        @Override
        public DynamoDbWriteRequest apply(StageWindowScore score, SinkWriter.Context context) {
            return put(StageScoresTable.toItem(score, expiresAt(score.getWindowEndMs(), ttlMs)));
        }
    }

    /** Converts a performance summary to a PutItem request. */
    static final class PerformanceItems implements ElementConverter<PerformanceScore, DynamoDbWriteRequest> {
        private static final long serialVersionUID = 1L;
        private final long ttlMs;

        PerformanceItems(long ttlMs) {
            this.ttlMs = ttlMs;
        }

        @Override
        public DynamoDbWriteRequest apply(PerformanceScore p, SinkWriter.Context context) {
            return put(PerformanceScoresTable.toItem(p, expiresAt(p.getEndMs(), ttlMs)));
        }
    }
}
