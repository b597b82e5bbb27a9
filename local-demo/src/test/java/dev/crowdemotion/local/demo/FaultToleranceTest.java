package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionJob;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import dev.crowdemotion.local.kinesis.KinesisEmulator;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.StreamRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of the services around the job, on a Flink mini-cluster (parallelism 2, a checkpoint
 * every second) reading the real Kinesis source: the DynamoDB items after each fault must equal
 * those of a fault-free run on the same frames ({@link ScoreItems#differences}). Enrichment is a
 * function of the crop alone (one crop per DetectFaces call, a TPS budget no window exhausts), so
 * equal items mean every face was enriched as in the fault-free run and no frame was lost or
 * counted twice.
 * <ul>
 *   <li>Rekognition answering 5xx, throttling bursts and timeouts (the stand-in's seeded fault
 *       injection): the job's retries must still enrich every face;</li>
 *   <li>DynamoDB Local stopped mid-run (windows close while it is down) and started again on the
 *       same port and database directory: the DynamoDB sink must retry, losing no item.</li>
 * </ul>
 * The scores go to a DynamoDB Local of this test, on disk ({@code -dbPath}), so that a restart
 * keeps the tables and the items written before the outage.
 */
class FaultToleranceTest {
    private static final long WINDOW_MS = 5_000;
    /** Ten minutes ago, aligned to the windows (the CloudWatch stand-in refuses old datapoints). */
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final int TICKS = 10;
    /** 2 stages x 2 windows of 5 s, 5 frames from each of 2 cameras per stage. */
    private static final int WINDOWS = 4;
    private static final String FRAMES_PER_WINDOW = "10";
    private static final int SUMMARIES = 5;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static Path dbPath;
    private static int dynamoPort;
    private static DynamoDbLocalServer dynamo;
    private static DynamoDbClient dynamoClient;
    private static Path setlistFile;
    private static List<List<CameraFrame>> ticks;
    private static List<CameraFrame> closing;
    private static Map<String, Map<String, AttributeValue>> baselineScores;
    private static Map<String, Map<String, AttributeValue>> baselinePerformances;

    @BeforeAll
    static void faultFreeRun(@TempDir Path tmp) throws Exception {
        Path root = LocalDemo.repositoryRoot();
        stack = LocalStack.start(ApplicationProperties.fromFile(root.resolve("config/local.json").toString()));
        dbPath = Files.createDirectories(tmp.resolve("dynamodb"));
        dynamo = DynamoDbLocalServer.start(0, dbPath);
        dynamoPort = dynamo.port();
        dynamoClient = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();

        FrameGenerator crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 5).faceSize(60, 140).seed(5));
        FrameGenerator photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        ticks = new ArrayList<>();
        for (int i = 0; i < TICKS; i++) {
            List<CameraFrame> tick = new ArrayList<>();
            for (int c = 1; c <= 2; c++) {
                tick.add(crowd.next("pop-cam-" + c, "pop", i, T0 + i * 1000L + c * 10));
                tick.add(photos.next("jazz-cam-" + c, "jazz", i, T0 + i * 1000L + c * 10));
            }
            ticks.add(tick);
        }
        // later face-free frames from every camera (so on every shard) close the last windows
        byte[] noFaces = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"));
        closing = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            for (String stage : List.of("pop", "jazz")) {
                closing.add(new CameraFrame(stage + "-cam-" + c, stage, T0 + 60_000, TICKS, MediaType.JPEG, noFaces));
            }
        }
        setlistFile = tmp.resolve("setlist.jsonl");
        Files.write(setlistFile, List.of(
                ScheduleEvents.toJson(ScheduleEvent.set("pop", "Astro Kids", "pop-set", T0, T0 + 10_000)),
                ScheduleEvents.toJson(ScheduleEvent.track("pop", "Astro Kids", "pop-set", "01", "Hello Stage", T0, T0 + 5_000)),
                ScheduleEvents.toJson(ScheduleEvent.track("pop", "Astro Kids", "pop-set", "02", "Goodbye Stage", T0 + 5_000, T0 + 10_000)),
                ScheduleEvents.toJson(ScheduleEvent.set("jazz", "Grace Trio", "jazz-set", T0, T0 + 10_000)),
                ScheduleEvents.toJson(ScheduleEvent.track("jazz", "Grace Trio", "jazz-set", "01", "Blue Hour", T0, T0 + 10_000))));

        Run run = new Run("baseline", stack.rekognition());
        run.write(0, TICKS);
        run.write(closing);
        JobClient job = run.execute();
        try {
            run.awaitComplete(job);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        baselineScores = run.scores();
        baselinePerformances = run.performances();
        assertThat(baselineScores).hasSize(WINDOWS);
        long faces = 0;
        for (Map<String, AttributeValue> item : baselineScores.values()) {
            assertThat(item.get("frames_seen").n()).isEqualTo(FRAMES_PER_WINDOW);
            assertThat(item.get("faces_enriched").n()).as("every face enriched").isEqualTo(item.get("faces_detected").n());
            faces += Long.parseLong(item.get("faces_detected").n());
        }
        assertThat(faces).isGreaterThan(40);
        assertThat(baselinePerformances).hasSize(SUMMARIES);
        System.out.printf("fault-free run: %d windows, %d faces, %d summaries%n", WINDOWS, faces, SUMMARIES);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {dynamoClient, dynamo, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void rekognitionErrorsThrottlingAndTimeoutsAreRetriedUntilEveryFaceIsEnriched() throws Exception {
        RekognitionStandIn.Options faults = RekognitionStandIn.Options.defaults()
                .seed(7)
                .serverErrorRate(0.05)
                .timeoutRate(0.02)
                // longer than the job's call.timeout.ms (5 s): the client gives up and retries
                .timeoutHold(Duration.ofSeconds(8))
                // every 4 s, 0.5 s in which every call is throttled
                .throttleBurst(Duration.ofSeconds(4), Duration.ofMillis(500), RekognitionStandIn.THROTTLING);
        try (RekognitionStandIn rekognition = RekognitionStandIn.start(faults)) {
            // and at once, for the first calls: each kind of retryable error
            rekognition.injectNext(RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED, 2);
            rekognition.injectNext(RekognitionStandIn.INTERNAL_SERVER_ERROR, 2);
            rekognition.injectNext(RekognitionStandIn.TIMEOUT, 1);
            Run run = new Run("rekognition-faults", rekognition);
            run.write(0, TICKS);
            run.write(closing);
            JobClient job = run.execute();
            try {
                run.awaitComplete(job);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
            RekognitionStandIn.Counters counters = rekognition.counters();
            System.out.println("Rekognition stand-in with faults: " + counters);
            assertThat(counters.errorsByType()).as("errors answered").containsKeys(
                    RekognitionStandIn.INTERNAL_SERVER_ERROR, RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED);
            assertThat(counters.throttled()).as("throttled calls").isGreaterThan(2);
            assertThat(counters.timeouts()).as("calls held past the client's timeout").isPositive();
            run.assertSameAsBaseline();
        }
    }

    @Test
    void dynamoDbUnavailableForAWhileLosesNoItem() throws Exception {
        Run run = new Run("dynamodb-outage", stack.rekognition());
        JobClient job = run.execute();
        try {
            // the first windows written before the outage
            run.write(0, 8);
            awaitCondition("the first windows of both stages", Duration.ofMinutes(2), () -> run.scores().size() >= 2);
            dynamo.close();
            // the other windows and the summaries close while DynamoDB is down
            run.write(8, TICKS);
            run.write(closing);
            long down = System.nanoTime();
            // the outage lasts 10 s: a fault's length, not a wait for a condition
            Thread.sleep(10_000);
            dynamo = DynamoDbLocalServer.start(dynamoPort, dbPath);
            System.out.printf("DynamoDB Local down for %d ms, back on port %d%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down), dynamoPort);
            run.awaitComplete(job);
            JsonNode failures = run.rest("/exceptions").path("exceptionHistory").path("entries");
            JsonNode restored = run.rest("/checkpoints").path("latest").path("restored");
            System.out.println("during the DynamoDB outage: " + failures.size() + " failure(s) "
                    + (failures.isEmpty() ? "" : failures.get(0).path("exceptionName").asText() + ": "
                    + failures.get(0).path("stacktrace").asText().lines()
                            .filter(l -> l.startsWith("Caused by")).toList())
                    + "; restored from " + restored);
            // the sink's client retries; a write still failing then fails the job, which restarts
            // from its last checkpoint and replays what came after it
            if (!failures.isEmpty()) {
                assertThat(restored.path("id").isNumber()).as("restored from a checkpoint after %s", failures).isTrue();
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        run.assertSameAsBaseline();
    }

    @Test
    void kinesisEmulatorRestartedWithItsDataLosesNothing(@TempDir Path persistDir) throws Exception {
        int port = LocalAws.freePort();
        int tlsPort = LocalAws.freePort();
        KinesisEmulator.Options options = KinesisEmulator.Options.defaults().ports(port, tlsPort)
                .persistTo(persistDir, Duration.ofMillis(500));
        KinesisEmulator emulator = KinesisEmulator.start(options);
        try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(emulator.endpoint())
                .region(LocalAws.region()).credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Run run = new Run("kinesis-restart", stack.rekognition(), kinesis, emulator.endpoint());
            JobClient job = run.execute();
            try {
                run.write(0, 8);
                awaitCondition("the first windows of both stages", Duration.ofMinutes(2), () -> run.scores().size() >= 2);
                // two writes of the persisted file after the last record: the second began after it
                Path file = KinesisEmulator.Options.persistFile(persistDir);
                for (int i = 0; i < 2; i++) {
                    long before = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
                    awaitCondition("kinesis-mock persisting its data", Duration.ofSeconds(30),
                            () -> Files.exists(file) && Files.getLastModifiedTime(file).toMillis() > before);
                }
                emulator.close();
                long down = System.nanoTime();
                // the outage lasts 5 s: a fault's length, not a wait for a condition
                Thread.sleep(5_000);
                emulator = KinesisEmulator.start(options);
                System.out.printf("kinesis-mock down for %d ms, back on port %d with its persisted streams%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down), port);
                assertThat(recordsIn(kinesis, "kinesis-restart-frames")).as("records kept over the restart")
                        .isEqualTo(8 * 4);
                run.write(8, TICKS);
                run.write(closing);
                run.awaitComplete(job);
                JsonNode failures = run.rest("/exceptions").path("exceptionHistory").path("entries");
                JsonNode restored = run.rest("/checkpoints").path("latest").path("restored");
                System.out.println("during the Kinesis outage: " + failures.size() + " failure(s) "
                        + (failures.isEmpty() ? "" : failures.get(0).path("exceptionName").asText() + ": "
                        + failures.get(0).path("stacktrace").asText().lines()
                                .filter(l -> l.startsWith("Caused by")).toList())
                        + "; restored from " + restored);
                // the source's reads fail, the job fails and restarts from its last checkpoint
                // (the shards' sequence numbers), until the emulator answers again
                if (!failures.isEmpty()) {
                    assertThat(restored.path("id").isNumber()).as("restored from a checkpoint after %s", failures).isTrue();
                }
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
            run.assertSameAsBaseline();
        } finally {
            emulator.close();
        }
    }

    /** Records in all shards of {@code stream}, read from the oldest. */
    private static int recordsIn(KinesisClient kinesis, String stream) {
        int n = 0;
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String it = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it));
                n += page.records().size();
                iterator = page.records().isEmpty() || page.millisBehindLatest() == 0 ? null : page.nextShardIterator();
            }
        }
        return n;
    }

    /** One run: its own stream (two shards) and tables, the job on a new mini-cluster. */
    private static final class Run {
        private final String name;
        private final CrowdEmotionConfig config;
        private final KinesisFrameWriter writer;
        private int restPort;
        private String jobId;

        Run(String name, RekognitionStandIn rekognition) {
            this(name, rekognition, stack.kinesis(), stack.kinesisEmulator().endpoint());
        }

        Run(String name, RekognitionStandIn rekognition, KinesisClient kinesis, URI kinesisEndpoint) {
            this.name = name;
            String stream = name + "-frames";
            new ResourceSetup(kinesis, dynamoClient).ensureStream(stream, 2);
            ResourceSetup tables = new ResourceSetup(stack.kinesis(), dynamoClient);
            tables.ensureTable(name + "-stage-scores");
            tables.ensurePerformanceTable(name + "-performance-scores");
            Map<String, Properties> groups = stack.groups();
            Properties source = groups.get(ConfigKeys.GROUP_FRAME_SOURCE);
            source.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(stream));
            source.setProperty(ConfigKeys.INITIAL_POSITION, "TRIM_HORIZON");
            source.setProperty(ConfigKeys.AWS_ENDPOINT, kinesisEndpoint.toString());
            Properties aggregation = groups.get(ConfigKeys.GROUP_AGGREGATION);
            aggregation.setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW_MS));
            aggregation.setProperty(ConfigKeys.WINDOW_SLIDE_MS, Long.toString(WINDOW_MS));
            aggregation.setProperty(ConfigKeys.IDLENESS_MS, "1000");
            Properties rek = groups.get(ConfigKeys.GROUP_REKOGNITION);
            rek.setProperty(ConfigKeys.AWS_ENDPOINT, rekognition.endpoint().toString());
            // enrichment a function of the crop alone: one crop per call, a budget no window exhausts
            rek.setProperty(ConfigKeys.MOSAIC_MAX_FACES, "1");
            rek.setProperty(ConfigKeys.MAX_TPS, "500");
            Properties setlist = new Properties();
            setlist.setProperty(ConfigKeys.FILE_PATH, setlistFile.toString());
            groups.put(ConfigKeys.GROUP_SETLIST, setlist);
            Properties sink = groups.get(ConfigKeys.GROUP_SCORES_SINK);
            sink.setProperty(ConfigKeys.AWS_ENDPOINT, LocalAws.loopbackEndpoint(dynamoPort).toString());
            sink.setProperty(ConfigKeys.TABLE_NAME, name + "-stage-scores");
            sink.setProperty(ConfigKeys.PERFORMANCE_TABLE_NAME, name + "-performance-scores");
            config = new CrowdEmotionConfig(groups);
            writer = new KinesisFrameWriter(kinesis, StreamRef.name(stream));
        }

        JobClient execute() throws Exception {
            // the mini-cluster's REST endpoint, for the job's failures and restored checkpoint
            restPort = LocalAws.freePort();
            Configuration conf = new Configuration();
            conf.set(RestOptions.ADDRESS, LocalAws.LOOPBACK_HOST);
            conf.set(RestOptions.BIND_ADDRESS, LocalAws.LOOPBACK_HOST);
            conf.set(RestOptions.PORT, restPort);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            env.enableCheckpointing(1_000);
            CrowdEmotionJob.define(env, config);
            JobClient job = env.executeAsync("crowd-emotion " + name);
            jobId = job.getJobID().toHexString();
            return job;
        }

        /** GET a path of the mini-cluster's REST API (Flink 1.20) for this run's job, e.g. {@code /exceptions}. */
        JsonNode rest(String path) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + restPort + "/jobs/" + jobId + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        }

        void write(int from, int to) {
            for (int i = from; i < to; i++) {
                write(ticks.get(i));
            }
        }

        void write(List<CameraFrame> frames) {
            assertThat(writer.write(frames).failures()).as("frames written").isEmpty();
        }

        Map<String, Map<String, AttributeValue>> scores() {
            return ScoreItems.windows(dynamoClient, name + "-stage-scores");
        }

        Map<String, Map<String, AttributeValue>> performances() {
            return ScoreItems.performances(dynamoClient, name + "-performance-scores");
        }

        /**
         * Waits until every window is written with all its frames and every summary is written;
         * fails if the job ends, or after 3 minutes with the differences from the fault-free run.
         */
        void awaitComplete(JobClient job) throws Exception {
            try {
                awaitCondition("all windows and summaries of " + name, Duration.ofMinutes(3), () -> {
                    assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job ended").isFalse();
                    long full = scores().values().stream()
                            .filter(i -> i.get("frames_seen").n().equals(FRAMES_PER_WINDOW)).count();
                    return full == WINDOWS && performances().size() == SUMMARIES;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\ndifferences from the fault-free run: "
                        + (baselineScores == null ? "-" : ScoreItems.differences(scores(), baselineScores)), e);
            }
        }

        void assertSameAsBaseline() {
            assertThat(ScoreItems.differences(scores(), baselineScores)).as("%s: window scores vs the fault-free run", name)
                    .isEmpty();
            assertThat(ScoreItems.differences(performances(), baselinePerformances))
                    .as("%s: set and track summaries vs the fault-free run", name).isEmpty();
            System.out.printf("%s: %d window items and %d summaries equal to the fault-free run%n", name,
                    baselineScores.size(), baselinePerformances.size());
        }
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void awaitCondition(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.done()) {
            assertThat(System.nanoTime()).as("waiting for %s (%s)", what, timeout).isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
