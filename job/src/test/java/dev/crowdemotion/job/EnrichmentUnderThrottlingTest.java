package dev.crowdemotion.job;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.kinesis.IngestedRecord;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's detection and enrichment on a Flink mini-cluster against the Rekognition stand-in
 * with a TPS quota, realistic latency and injected errors, through the real
 * RekognitionAsyncClient: every detected face must come out exactly once, either enriched or
 * counted with a reason, and the window scores must agree with the observations.
 */
class EnrichmentUnderThrottlingTest {
    private static final long T0 = 1_763_769_600_000L;
    private static final Set<String> REASONS = Set.of("SAMPLED_OUT", "NO_FACE_IN_CROP", "NO_EMOTIONS", "TIMEOUT",
            "ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError");

    static final ConcurrentLinkedQueue<FaceObservation> OBSERVATIONS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<StageWindowScore> SCORES = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<DeadLetter> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

    private static List<IngestedRecord> frames;

    @BeforeAll
    static void frames() throws Exception {
        Path data = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("data");
        List<Path> photos;
        try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
        }
        frames = new ArrayList<>();
        String[] stages = {"loud", "mid", "quiet"};
        int[] framesPerStage = {18, 9, 3};
        for (int s = 0; s < stages.length; s++) {
            for (int i = 0; i < framesPerStage[s]; i++) {
                byte[] jpeg = Files.readAllBytes(photos.get((i + s) % photos.size()));
                frames.add(IngestedRecord.of(new CameraFrame(stages[s] + "-cam-1", stages[s], T0 + i * 1000L * 18 / framesPerStage[s],
                        i, MediaType.JPEG, jpeg)));
            }
        }
        // as the cameras would send them: in capture-time order
        frames.sort(java.util.Comparator.comparingLong(r -> r.getFrame().getCaptureTimeMs()));
    }

    private RekognitionStandIn standIn;

    @BeforeEach
    void clear() {
        OBSERVATIONS.clear();
        SCORES.clear();
        DEAD_LETTERS.clear();
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
    }

    @AfterEach
    void stop() {
        if (standIn != null) {
            standIn.close();
        }
    }

    private CrowdEmotionConfig config(double maxTps, int mosaic, double maxQueueSeconds) {
        Map<String, Properties> groups = new HashMap<>();
        Properties src = new Properties();
        src.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("unused"));
        groups.put(ConfigKeys.GROUP_FRAME_SOURCE, src);
        Properties rek = new Properties();
        rek.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
        rek.setProperty(ConfigKeys.AWS_ENDPOINT, standIn.endpoint().toString());
        rek.setProperty(ConfigKeys.MAX_TPS, Double.toString(maxTps));
        rek.setProperty(ConfigKeys.MOSAIC_MAX_FACES, Integer.toString(mosaic));
        rek.setProperty(ConfigKeys.MAX_QUEUE_SECONDS, Double.toString(maxQueueSeconds));
        rek.setProperty(ConfigKeys.RETRY_INITIAL_BACKOFF_MS, "100");
        rek.setProperty(ConfigKeys.RETRY_MAX_BACKOFF_MS, "1000");
        groups.put(ConfigKeys.GROUP_REKOGNITION, rek);
        return new CrowdEmotionConfig(groups);
    }

    private void run(CrowdEmotionConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        DataStream<IngestedRecord> records = env.fromData(frames, TypeInformation.of(IngestedRecord.class))
                .assignTimestampsAndWatermarks(CrowdEmotionPipeline.watermarks(config));
        CrowdEmotionPipeline.Outputs out = CrowdEmotionPipeline.build(records, config);
        out.observations.addSink(new SinkFunction<FaceObservation>() {
            @Override
            public void invoke(FaceObservation value, Context context) {
                OBSERVATIONS.add(value);
            }
        });
        out.scores.addSink(new SinkFunction<StageWindowScore>() {
            @Override
            public void invoke(StageWindowScore value, Context context) {
                SCORES.add(value);
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

    /** Checks that every detected face came out exactly once, enriched or with a known reason. */
    private static Map<String, Long> assertEveryFaceAccountedFor() {
        long facesDetected = 0;
        Set<String> faces = new HashSet<>();
        Map<String, Long> outcomes = new HashMap<>();
        for (FaceObservation o : OBSERVATIONS) {
            if (o.isFrameMarker()) {
                facesDetected += o.getFacesInFrame();
                continue;
            }
            assertThat(faces.add(o.getCameraId() + "#" + o.getFrameSequence() + "." + o.getFaceIndex()))
                    .as("face seen once: %s", o).isTrue();
            String outcome = o.isEnriched() ? "ENRICHED" : o.getFailureReason();
            assertThat(o.isEnriched() || REASONS.contains(o.getFailureReason())).as("outcome of %s", o).isTrue();
            outcomes.merge(outcome, 1L, Long::sum);
        }
        assertThat(faces).hasSize((int) facesDetected);
        assertThat(facesDetected).isGreaterThan(100);
        // the windows agree with the observations
        long enriched = outcomes.getOrDefault("ENRICHED", 0L);
        assertThat(SCORES.stream().mapToLong(StageWindowScore::getFacesDetected).sum()).isEqualTo(facesDetected);
        assertThat(SCORES.stream().mapToLong(StageWindowScore::getFacesEnriched).sum()).isEqualTo(enriched);
        assertThat(DEAD_LETTERS).isEmpty();
        System.out.println("outcomes: " + outcomes);
        return outcomes;
    }

    @Test
    void mosaicsAboveTheQuotaAreThrottledRetriedAndEveryFaceAccountedFor() throws Exception {
        standIn = RekognitionStandIn.start(RekognitionStandIn.Options.defaults()
                .quotaTps(2).latencyMs(150, 400).seed(42));
        standIn.injectNext(RekognitionStandIn.INTERNAL_SERVER_ERROR, 3); // the first three calls fail with 500
        run(config(6, 4, 30)); // mosaics of up to 4 faces, sent 3x faster than the quota allows
        Map<String, Long> outcomes = assertEveryFaceAccountedFor();
        assertThat(standIn.counters().errorsByType()).containsKey("ProvisionedThroughputExceededException");
        assertThat(standIn.counters().errorsByType()).containsKey("InternalServerError");
        // of the faces sent (not sampled out at admission), retries recover most despite the
        // throttling and the 500s; with the budget 3x the quota some batches can exhaust their
        // attempts (measured: 0 to 8 of ~55 faces), and those are counted with the throttling code
        long sent = outcomes.values().stream().mapToLong(v -> v).sum() - outcomes.getOrDefault("SAMPLED_OUT", 0L);
        assertThat(sent).isGreaterThan(20);
        assertThat(outcomes.getOrDefault("ENRICHED", 0L)).isGreaterThanOrEqualTo(sent / 2);
    }

    @Test
    void budgetAtTheQuotaLosesNoFaceToThrottlingAndSamplesFairlyUnderOverload() throws Exception {
        standIn = RekognitionStandIn.start(RekognitionStandIn.Options.defaults().quotaTps(4).latencyMs(150, 400).seed(7));
        // the backlog valve (first come, first served) stays out of the way: admission decides
        run(config(4, 1, 10));
        Map<String, Long> outcomes = assertEveryFaceAccountedFor();
        assertThat(outcomes).doesNotContainKeys("ProvisionedThroughputExceededException", "ThrottlingException");
        // the input arrives all at once, far above 4 calls/s: most faces are sampled out, but
        // every stage, the quiet one too, gets faces enriched
        assertThat(outcomes.get("SAMPLED_OUT")).isGreaterThan(0);
        Map<String, Long> enrichedByStage = OBSERVATIONS.stream().filter(FaceObservation::isEnriched)
                .collect(Collectors.groupingBy(FaceObservation::getStageId, Collectors.counting()));
        assertThat(enrichedByStage).containsKeys("loud", "mid", "quiet");
    }
}
