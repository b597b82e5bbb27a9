package dev.crowdemotion.kinesis;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;

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
        Configuration sourceConfig = new Configuration();
        Properties group = config.group(ConfigKeys.GROUP_FRAME_SOURCE);
        for (String key : group.stringPropertyNames()) {
            if (key.startsWith("aws.")) {
                sourceConfig.setString(key, group.getProperty(key));
            }
        }
        sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION,
                KinesisStreamsSourceConfigConstants.InitialPosition.valueOf(config.initialPosition()));
        return KinesisStreamsSource.<IngestedRecord>builder()
                .setStreamArn(config.streamArn())
                .setSourceConfig(sourceConfig)
                .setDeserializationSchema(new FrameRecordDeserializer())
                .build();
    }
}
