package dev.crowdemotion.metrics;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;


/**
 * Wires the business metrics into a job: window scores → {@link StageCardinalityCap}
 * (parallelism 1, checkpointed stage set) → {@link CloudWatchSink} (parallelism 1), configured
 * from the {@code CloudWatch} property group ({@code namespace}, {@code max.stages},
 * {@code aws.region}, {@code aws.endpoint}). See {@code docs/metrics.md}.
 */
public final class BusinessMetrics {
    private BusinessMetrics() {}

    /** uid of the cap operator (its state holds the admitted stages: keep it stable). */
    public static final String CAP_UID = "cloudwatch-stage-cap";
    /** uid of the sink (its state holds the points not yet published: keep it stable). */
    public static final String SINK_UID = "cloudwatch-business-metrics-sink";

    /**
     * Adds the cap operator and the CloudWatch sink behind {@code scores}. Call it only when
     * {@link CrowdEmotionConfig#cloudWatchEnabled()}.
     *
     * @param scores the window scores (any parallelism; the cap and sink run at parallelism 1)
     * @param config the job's configuration
     * @return the sink, named and with uid {@value #SINK_UID}
     * @throws IllegalArgumentException if the configuration does not enable CloudWatch
     */
    public static DataStreamSink<MetricPoint> attach(DataStream<StageWindowScore> scores, CrowdEmotionConfig config) {
        if (!config.cloudWatchEnabled()) {
            throw new IllegalArgumentException("the " + ConfigKeys.GROUP_CLOUDWATCH
                    + " group is absent or disabled; check CrowdEmotionConfig.cloudWatchEnabled() first");
        }
        SingleOutputStreamOperator<MetricPoint> points = scores
                .process(new StageCardinalityCap(config.cloudWatchMaxStages()), TypeInformation.of(MetricPoint.class))
                .name("business metrics: stage cap").uid(CAP_UID)
                .setParallelism(1).setMaxParallelism(1);
        return points.sinkTo(sink(config)).name("business metrics: CloudWatch PutMetricData").uid(SINK_UID).setParallelism(1);
    }

    /** The sink of the {@code CloudWatch} group with the default batching. */
    static CloudWatchSink sink(CrowdEmotionConfig config) {
        return CloudWatchSink.builder().namespace(config.cloudWatchNamespace())
                .clientProperties(config.awsProperties(ConfigKeys.GROUP_CLOUDWATCH)).build();
    }

}
