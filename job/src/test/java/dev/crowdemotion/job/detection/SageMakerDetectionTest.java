package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.kinesis.IngestedRecord;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.local.sagemaker.SageMakerRuntimeStandIn;
import dev.crowdemotion.modelserver.ModelServer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SageMaker detection on a Flink mini-cluster through the real SageMakerRuntimeAsyncClient, the
 * SageMaker Runtime stand-in and the model server: the same crops as embedded detection on the
 * same frames; throttling and 5xx retried; frames the model rejects become dead letters.
 */
class SageMakerDetectionTest {
    private static final long T0 = 1_763_769_600_000L;
    private static final String ENDPOINT = "crowd-emotion-blazeface";

    static final ConcurrentLinkedQueue<FaceCrop> CROPS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<DeadLetter> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

    private static ModelServer model;
    private static SageMakerRuntimeStandIn sageMaker;
    private static RekognitionStandIn rekognition;
    private static List<IngestedRecord> frames;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        model = ModelServer.start(LocalAws.LOOPBACK_HOST, 0);
        sageMaker = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                .endpoint(ENDPOINT, model.uri()).quotaTps(4).quotaBurst(1).seed(3));
        rekognition = RekognitionStandIn.start();
        Path data = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("data");
        List<Path> photos;
        try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(8).collect(Collectors.toList());
        }
        frames = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            frames.add(IngestedRecord.of(new CameraFrame("cam-" + (i % 2), "main", T0 + i * 500L, i / 2, MediaType.JPEG,
                    Files.readAllBytes(photos.get(i)))));
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {sageMaker, model, rekognition}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void clear() {
        CROPS.clear();
        DEAD_LETTERS.clear();
    }

    private static CrowdEmotionConfig config(String detector) {
        Map<String, Properties> groups = new HashMap<>();
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("unused"));
        groups.put(ConfigKeys.GROUP_FRAME_SOURCE, src);
        Properties det = new Properties();
        det.setProperty(ConfigKeys.DETECTOR, detector);
        groups.put(ConfigKeys.GROUP_DETECTION, det);
        Properties sm = new Properties();
        sm.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
        sm.setProperty(ConfigKeys.AWS_ENDPOINT, sageMaker.endpoint().toString());
        sm.setProperty(ConfigKeys.ENDPOINT_NAME, ENDPOINT);
        sm.setProperty(ConfigKeys.SAGEMAKER_MAX_TPS, "8"); // twice the stand-in's quota: some calls are throttled
        sm.setProperty(ConfigKeys.RETRY_INITIAL_BACKOFF_MS, "100");
        sm.setProperty(ConfigKeys.RETRY_MAX_BACKOFF_MS, "1000");
        sm.setProperty(ConfigKeys.RETRY_MAX_ATTEMPTS, "10");
        groups.put(ConfigKeys.GROUP_SAGEMAKER, sm);
        Properties rek = new Properties();
        rek.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
        rek.setProperty(ConfigKeys.AWS_ENDPOINT, rekognition.endpoint().toString());
        rek.setProperty(ConfigKeys.MAX_TPS, "100");
        groups.put(ConfigKeys.GROUP_REKOGNITION, rek);
        return new CrowdEmotionConfig(groups);
    }

    private static void run(CrowdEmotionConfig config, List<IngestedRecord> input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        DataStream<IngestedRecord> records = env.fromData(input, TypeInformation.of(IngestedRecord.class))
                .assignTimestampsAndWatermarks(CrowdEmotionPipeline.watermarks(config));
        CrowdEmotionPipeline.Outputs out = CrowdEmotionPipeline.build(records, config);
        out.crops.addSink(new SinkFunction<FaceCrop>() {
            @Override
            public void invoke(FaceCrop value, Context context) {
                CROPS.add(value);
            }
        });
        out.deadLetters.addSink(new SinkFunction<DeadLetter>() {
            @Override
            public void invoke(DeadLetter value, Context context) {
                DEAD_LETTERS.add(value);
            }
        });
        env.execute();
    }

    private static Map<String, FaceCrop> byFace() {
        return CROPS.stream().collect(Collectors.toMap(
                c -> c.getCameraId() + "#" + c.getFrameSequence() + "." + c.getFaceIndex(), c -> c));
    }

    @Test
    void sameCropsAsEmbeddedDetectionThrottlingRetriedRejectedFramesDeadLettered() throws Exception {
        run(config("embedded"), frames);
        Map<String, FaceCrop> embedded = byFace();
        assertThat(embedded.values().stream().filter(c -> !c.isFrameMarker()).count()).isGreaterThan(10);
        CROPS.clear();

        sageMaker.injectNext(SageMakerRuntimeStandIn.INTERNAL_FAILURE, 2);
        List<IngestedRecord> input = new ArrayList<>(frames);
        byte[] jpeg = frames.get(0).getFrame().getImage();
        // a JPEG cut in half: the model server answers 400, SageMaker ModelError, not retried
        input.add(IngestedRecord.of(new CameraFrame("cam-9", "main", T0 + 100, 0, MediaType.JPEG,
                Arrays.copyOf(jpeg, jpeg.length / 2))));
        long throttledBefore = sageMaker.counters().throttled();
        run(config("sagemaker"), input);
        Map<String, FaceCrop> remote = byFace();
        System.out.println("dead letters: " + DEAD_LETTERS + ", stand-in " + sageMaker.counters());

        assertThat(remote.keySet()).isEqualTo(embedded.keySet());
        remote.forEach((key, c) -> {
            FaceCrop e = embedded.get(key);
            assertThat(new float[] {c.getLeft(), c.getTop(), c.getWidth(), c.getHeight(), c.getDetectorScore()})
                    .as("box of %s", key)
                    .containsExactly(e.getLeft(), e.getTop(), e.getWidth(), e.getHeight(), e.getDetectorScore());
            assertThat(Arrays.equals(c.getJpeg(), e.getJpeg())).as("crop of %s", key).isTrue();
        });
        assertThat(DEAD_LETTERS).extracting(DeadLetter::getReason).containsExactly("ModelError");
        assertThat(DEAD_LETTERS).extracting(DeadLetter::getCameraId).containsExactly("cam-9");
        assertThat(sageMaker.counters().throttled() - throttledBefore).as("throttled calls").isGreaterThan(0);
        assertThat(sageMaker.counters().errorsByType()).containsKey("InternalFailure");
    }
}
