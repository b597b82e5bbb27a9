package dev.crowdemotion.setlist;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.kinesis.FrameSources;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;


/**
 * The setlist input ({@code Setlist} property group): schedule events as JSON text, one per
 * Kinesis record ({@code stream.arn}, polling {@link KinesisStreamsSource}, {@code aws.*} keys
 * passed on as for the frame source) or one per line of a JSON Lines file ({@code file.path},
 * Flink's {@link FileSource}, read once). Decoding and validation happen downstream
 * ({@link ScheduleEvents#parse}), so a bad event becomes a dead letter instead of failing the source.
 */
public final class SetlistSources {
    private SetlistSources() {}

    /**
     * The raw schedule events, parallelism 1, or {@code null} when the job has no setlist.
     * Timestamps and watermarks are assigned after parsing.
     */
    public static DataStream<String> rawEvents(StreamExecutionEnvironment env, CrowdEmotionConfig config) {
        if (config.setlistFilePath() != null) {
            FileSource<String> file = FileSource.forRecordStreamFormat(new TextLineInputFormat(),
                    new Path(config.setlistFilePath())).build();
            return env.fromSource(file, WatermarkStrategy.noWatermarks(), "setlist file", Types.STRING)
                    .uid("setlist-file-source").setParallelism(1);
        }
        if (config.setlistStreamArn() != null) {
            KinesisStreamsSource<String> kinesis = FrameSources.kinesis(config.setlistStreamArn(),
                    config.awsProperties(ConfigKeys.GROUP_SETLIST), config.setlistInitialPosition(),
                    KinesisDeserializationSchema.of(new SimpleStringSchema()));
            return env.fromSource(kinesis, WatermarkStrategy.noWatermarks(), "setlist stream", Types.STRING)
                    .uid("setlist-kinesis-source").setParallelism(1);
        }
        return null;
    }
}
