package dev.crowdemotion.scores;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;

import java.util.Arrays;
import java.util.Properties;

/**
 * Builds the {@link DynamoDbSink} for stage scores from the {@code ScoresSink} property group
 * (table name and {@code aws.*} keys, passed to the connector as they are). Writes are PutItem
 * requests keyed by (stage_id, window_start): a replayed window overwrites its item.
 */
public final class StageScoreSinks {
    private StageScoreSinks() {}

    /** The DynamoDB sink for stage scores. */
    public static DynamoDbSink<StageWindowScore> dynamoDb(CrowdEmotionConfig config) {
        Properties props = new Properties();
        Properties group = config.group(ConfigKeys.GROUP_SCORES_SINK);
        for (String key : group.stringPropertyNames()) {
            if (key.startsWith("aws.")) {
                props.setProperty(key, group.getProperty(key));
            }
        }
        return DynamoDbSink.<StageWindowScore>builder()
                .setTableName(config.tableName())
                .setDynamoDbProperties(props)
                .setElementConverter(new ItemConverter())
                // Two scores for the same key in one batch: keep the latest (BatchWriteItem rejects duplicates).
                .setOverwriteByPartitionKeys(Arrays.asList(StageScoresTable.STAGE_ID, StageScoresTable.WINDOW_START))
                .setFailOnError(false)
                .build();
    }

    /** Converts a score to a PutItem write request. */
    static final class ItemConverter implements ElementConverter<StageWindowScore, DynamoDbWriteRequest> {
        private static final long serialVersionUID = 1L;

        @Override
        public DynamoDbWriteRequest apply(StageWindowScore score, SinkWriter.Context context) {
            return DynamoDbWriteRequest.builder()
                    .setType(DynamoDbWriteRequestType.PUT)
                    .setItem(StageScoresTable.toItem(score))
                    .build();
        }
    }
}
