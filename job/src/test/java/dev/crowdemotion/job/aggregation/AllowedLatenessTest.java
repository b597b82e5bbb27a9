package dev.crowdemotion.job.aggregation;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window step ({@link CrowdEmotionPipeline#scoreWindows}) on a mini-cluster, with frames and
 * watermarks in an exact order: a frame behind the watermark updates its window within the allowed
 * lateness (the window is emitted again) and is a late record after it.
 */
class AllowedLatenessTest {
    static final ConcurrentLinkedQueue<StageWindowScore> SCORES = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<FaceObservation> LATE = new ConcurrentLinkedQueue<>();

    /** Frames at 1 s and 5 s; watermark 12 s (the window [0, 10 s) fires); a frame at 7 s; watermark 16 s; a frame at 8 s. */
    static final class Frames implements SourceFunction<FaceObservation> {
        @Override
        public void run(SourceContext<FaceObservation> ctx) {
            emit(ctx, 1_000, 1);
            emit(ctx, 5_000, 2);
            ctx.emitWatermark(new Watermark(12_000));
            emit(ctx, 7_000, 3);
            ctx.emitWatermark(new Watermark(16_000));
            emit(ctx, 8_000, 4);
        }

        private static void emit(SourceContext<FaceObservation> ctx, long t, long seq) {
            ctx.collectWithTimestamp(FaceObservation.frameMarker(FaceCrop.frameMarker("rock", "cam-1", t, seq, 2)), t);
        }

        @Override
        public void cancel() {}
    }

    @ParameterizedTest(name = "allowed lateness {0} ms")
    @CsvSource({"0, '2', 2", "5000, '2,3', 1"})
    void lateFramesUpdateTheWindowWithinTheAllowedLatenessAndAreCountedAfterIt(long lateness, String framesPerEmission,
                                                                              int late) throws Exception {
        SCORES.clear();
        LATE.clear();
        Properties source = new Properties();
        source.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/x");
        Properties agg = new Properties();
        agg.setProperty(ConfigKeys.ALLOWED_LATENESS_MS, Long.toString(lateness));
        CrowdEmotionConfig config = new CrowdEmotionConfig(Map.of(ConfigKeys.GROUP_FRAME_SOURCE, source,
                ConfigKeys.GROUP_AGGREGATION, agg));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SingleOutputStreamOperator<StageWindowScore> scores = CrowdEmotionPipeline.scoreWindows(
                env.addSource(new Frames(), TypeInformation.of(FaceObservation.class)), config);
        scores.addSink(new SinkFunction<StageWindowScore>() {
            @Override public void invoke(StageWindowScore s, Context c) { SCORES.add(s); }
        });
        scores.getSideOutput(CrowdEmotionPipeline.LATE).addSink(new SinkFunction<FaceObservation>() {
            @Override public void invoke(FaceObservation o, Context c) { LATE.add(o); }
        });
        env.execute();

        List<StageWindowScore> first = SCORES.stream().filter(s -> s.getWindowStartMs() == 0).collect(Collectors.toList());
        assertThat(first.stream().map(s -> Long.toString(s.getFramesSeen())).collect(Collectors.joining(",")))
                .isEqualTo(framesPerEmission);
        assertThat(first.get(first.size() - 1).getFacesDetected()).isEqualTo(2L * first.get(first.size() - 1).getFramesSeen());
        assertThat(LATE).hasSize(late);
    }
}
