package dev.crowdemotion.job.metrics;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.cloudwatch.Datapoint;
import dev.crowdemotion.local.cloudwatch.MetricSeries;
import dev.crowdemotion.metrics.BusinessMetrics;
import dev.crowdemotion.metrics.CloudWatchSink;
import dev.crowdemotion.metrics.StageCardinalityCap;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link BusinessMetrics#attach} on a Flink mini-cluster against the CloudWatch stand-in: window
 * scores become the business metrics in the configured namespace, and stages beyond
 * {@code max.stages} are published as {@code Stage=other}.
 */
class CloudWatchBusinessMetricsTest {
    private static final String NS = "CrowdEmotionBusinessIT";

    private CloudWatchStandIn standIn;

    @BeforeEach
    void start() {
        standIn = CloudWatchStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    private CrowdEmotionConfig config(int maxStages) {
        Map<String, Properties> groups = new HashMap<>();
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("unused"));
        groups.put(ConfigKeys.GROUP_FRAME_SOURCE, src);
        Properties cw = new Properties();
        cw.setProperty(ConfigKeys.NAMESPACE, NS);
        cw.setProperty(ConfigKeys.MAX_STAGES, Integer.toString(maxStages));
        cw.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
        cw.setProperty(ConfigKeys.AWS_ENDPOINT, standIn.endpoint().toString());
        groups.put(ConfigKeys.GROUP_CLOUDWATCH, cw);
        return new CrowdEmotionConfig(groups);
    }

    static StageWindowScore score(String stage, long start, long frames, long detected, long enriched, double happy) {
        StageWindowScore s = new StageWindowScore();
        s.setStageId(stage);
        s.setWindowStartMs(start);
        s.setWindowEndMs(start + 10_000);
        s.setFramesSeen(frames);
        s.setFacesDetected(detected);
        s.setFacesEnriched(enriched);
        double[] conf = new double[EmotionType.COUNT];
        long[] dominant = new long[EmotionType.COUNT];
        if (enriched > 0) {
            conf[EmotionType.HAPPY.ordinal()] = happy;
            conf[EmotionType.CALM.ordinal()] = 100 - happy;
            dominant[happy >= 50 ? EmotionType.HAPPY.ordinal() : EmotionType.CALM.ordinal()] = enriched;
        }
        s.setMeanConfidence(conf);
        s.setDominantCounts(dominant);
        return s;
    }

    private static List<Double> values(List<Datapoint> points) {
        return points.stream().map(Datapoint::value).collect(Collectors.toList());
    }

    @Test
    void scoresBecomeMetricsAndStagesBeyondTheCapArePublishedAsOther() throws Exception {
        long w0 = (System.currentTimeMillis() / 10_000) * 10_000 - 600_000;
        List<StageWindowScore> scores = new ArrayList<>();
        // arrival order decides admission: rock, pop first; jazz and folk come later
        scores.add(score("rock", w0, 20, 10, 8, 80));
        scores.add(score("pop", w0, 18, 6, 6, 90));
        scores.add(score("jazz", w0, 20, 4, 4, 10));
        scores.add(score("rock", w0 + 10_000, 19, 0, 0, 0));
        scores.add(score("folk", w0 + 10_000, 5, 2, 1, 60));
        scores.add(score("jazz", w0 + 10_000, 20, 5, 5, 20));
        CrowdEmotionConfig config = config(2);

        CloudWatchMiniCluster job = new CloudWatchMiniCluster().run(2, env -> {
            DataStream<StageWindowScore> in = env.fromData(scores, TypeInformation.of(StageWindowScore.class)).setParallelism(1);
            DataStreamSink<?> sink = BusinessMetrics.attach(in, config);
            assertThat(sink.getTransformation().getUid()).isEqualTo(BusinessMetrics.SINK_UID);
            assertThat(sink.getTransformation().getParallelism()).isEqualTo(1);
        });

        assertThat(standIn.series()).extracting(MetricSeries::namespace).containsOnly(NS);
        assertThat(standIn.series()).extracting(s -> s.dimensions().get("Stage")).containsOnly("rock", "pop", "other");

        Map<String, String> rock = Map.of("Stage", "rock");
        assertThat(values(standIn.datapoints(NS, "FramesSeen", rock))).containsExactly(20.0, 19.0);
        assertThat(standIn.datapoints(NS, "FramesSeen", rock)).extracting(Datapoint::timestampMs).containsExactly(w0, w0 + 10_000);
        assertThat(standIn.datapoints(NS, "FramesSeen", rock)).extracting(Datapoint::unit).containsOnly("Count");
        assertThat(values(standIn.datapoints(NS, "FacesDetected", rock))).containsExactly(10.0, 0.0);
        assertThat(values(standIn.datapoints(NS, "Coverage", rock))).as("no coverage without faces").containsExactly(0.8);
        assertThat(values(standIn.datapoints(NS, "Energy", rock))).as("no energy without enriched faces").hasSize(1)
                .first().satisfies(e -> assertThat(e).isCloseTo(scores.get(0).energy(), within(1e-9)));
        assertThat(values(standIn.datapoints(NS, "EmotionConfidence", Map.of("Stage", "rock", "Emotion", "HAPPY"))))
                .containsExactly(80.0);
        assertThat(standIn.datapoints(NS, "EmotionConfidence", Map.of("Stage", "rock", "Emotion", "HAPPY")))
                .extracting(Datapoint::unit).containsOnly("Percent");
        assertThat(values(standIn.datapoints(NS, "EmotionShare", Map.of("Stage", "pop", "Emotion", "HAPPY")))).containsExactly(1.0);
        assertThat(standIn.series(NS, "EmotionConfidence")).hasSize(3 * EmotionType.COUNT);

        // jazz (two windows) and folk share Stage=other
        assertThat(values(standIn.datapoints(NS, "FramesSeen", Map.of("Stage", "other")))).containsExactlyInAnyOrder(20.0, 5.0, 20.0);
        assertThat(values(standIn.datapoints(NS, "Energy", Map.of("Stage", "other")))).hasSize(3);
        assertThat(job.counter(StageCardinalityCap.CAPPED_COUNTER)).isEqualTo(3);
        assertThat(job.counter(CloudWatchSink.PUBLISHED_COUNTER)).isEqualTo(standIn.counters().datapoints());
        assertThat(job.counter(CloudWatchSink.REJECTED_COUNTER)).isZero();
    }

    @Test
    void attachRefusesAConfigurationWithoutCloudWatch() {
        Map<String, Properties> groups = new HashMap<>();
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("unused"));
        groups.put(ConfigKeys.GROUP_FRAME_SOURCE, src);
        CrowdEmotionConfig none = new CrowdEmotionConfig(groups);
        assertThatThrownBy(() -> BusinessMetrics.attach(null, none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CloudWatch");
    }
}
