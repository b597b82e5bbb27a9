package dev.crowdemotion.kinesis;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;

import java.util.Properties;

/**
 * Builds the FLIP-27 {@link KinesisStreamsSource} (polling, flink-connector-kinesis 4.3.0) for
 * the frame stream from the {@code FrameSource} property group. All {@code aws.*} keys of the
 * group ({@code aws.region}, {@code aws.endpoint}, {@code aws.credentials.provider}, ...) are
 * passed to the connector as they are; without {@code aws.endpoint} the real service is used,
 * and credentials come from the default provider chain.
 */
public final class FrameSources {
    private FrameSources() {}

    /**
     * @throws IllegalArgumentException if the stream ARN is missing (checked by {@link CrowdEmotionConfig})
     */
    public static KinesisStreamsSource<IngestedRecord> kinesis(CrowdEmotionConfig config) {
        return kinesis(config.streamArn(), config.awsProperties(ConfigKeys.GROUP_FRAME_SOURCE), config.initialPosition(),
                new FrameRecordDeserializer(config));
    }

    /**
     * A polling {@link KinesisStreamsSource} of one stream.
     *
     * @param aws             the group's {@code aws.*} keys, passed to the connector as they are
     * @param initialPosition {@code LATEST} or {@code TRIM_HORIZON}: where a job without state starts
     * @throws IllegalArgumentException if {@code initialPosition} is neither
     */
    public static <T> KinesisStreamsSource<T> kinesis(String streamArn, Properties aws, String initialPosition,
                                                      KinesisDeserializationSchema<T> deserializer) {
        Configuration sourceConfig = new Configuration();
        for (String key : aws.stringPropertyNames()) {
            sourceConfig.setString(key, aws.getProperty(key));
        }
        sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION,
                KinesisStreamsSourceConfigConstants.InitialPosition.valueOf(initialPosition));
        return KinesisStreamsSource.<T>builder()
                .setStreamArn(streamArn)
                .setSourceConfig(sourceConfig)
                .setDeserializationSchema(deserializer)
                .build();
    }
}
