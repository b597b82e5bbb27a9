package dev.crowdemotion.deadletter;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The dead-letter sinks of the {@code DeadLetters} group, writing {@link DeadLetterJson}:
 * <ul>
 *   <li>{@link #kinesis}: Flink's {@link KinesisStreamsSink} (PutRecords; the group's
 *       {@code aws.*} keys passed as they are), partition key the camera id, or the reason for
 *       records without one. At-least-once: a restart may write a dead letter again.</li>
 *   <li>{@link #file}: Flink's {@link FileSink} in row format, JSON Lines files
 *       {@code dead-letters-*.jsonl} under {@code file.path}, one bucket per hour, rolled on every
 *       checkpoint (in-progress files become visible only then, or when a bounded job ends).</li>
 * </ul>
 */
public final class DeadLetterSinks {
    private DeadLetterSinks() {}

    /** The Kinesis sink of {@code DeadLetters.stream.arn}. */
    public static KinesisStreamsSink<DeadLetter> kinesis(CrowdEmotionConfig config) {
        return KinesisStreamsSink.<DeadLetter>builder()
                .setStreamArn(config.deadLetterStreamArn())
                .setKinesisClientProperties(config.awsProperties(ConfigKeys.GROUP_DEAD_LETTERS))
                .setSerializationSchema(new DeadLetterJson(config.deadLetterIncludePayload()))
                .setPartitionKeyGenerator(DeadLetterSinks::partitionKey)
                .setFailOnError(false)
                .build();
    }

    /** The file sink of {@code DeadLetters.file.path}. */
    public static FileSink<DeadLetter> file(CrowdEmotionConfig config) {
        return FileSink.forRowFormat(new Path(config.deadLetterFilePath()),
                        new DeadLetterJson(config.deadLetterIncludePayload()))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("dead-letters").withPartSuffix(".jsonl").build())
                .build();
    }

    /** The camera id, else the reason (Kinesis partition keys must be 1..256 characters). */
    static String partitionKey(DeadLetter d) {
        String key = d.getCameraId() != null && !d.getCameraId().isEmpty() ? d.getCameraId()
                : d.getReason() != null && !d.getReason().isEmpty() ? d.getReason() : "UNKNOWN";
        return key.length() > 256 ? key.substring(0, 256) : key;
    }
}
