package dev.crowdemotion.deploy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.demo.LocalDemo;
import dev.crowdemotion.local.demo.LocalStack;
import dev.crowdemotion.local.demo.ScoreItems;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.StreamRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of the Flink cluster itself, on the multi-process cluster of {@link StandaloneFlinkCluster}
 * (a JobManager and three TaskManagers of one slot; the job runs with parallelism 2, so one slot
 * is spare), with checkpoints every second and a fixed-delay restart strategy, both cluster
 * configuration. The same frames go to one Kinesis stream per run; every run's DynamoDB items
 * must equal those of the fault-free run ({@link ScoreItems#differences}):
 * <ol>
 *   <li>fault-free: all frames, then the job;</li>
 *   <li>a TaskManager running the job killed with SIGKILL after half the frames and a checkpoint
 *       taken after them; the rest of the frames arrive while the job restarts from that checkpoint;</li>
 *   <li>the job stopped with a savepoint after half the frames, more frames arriving while no job
 *       runs, the same jar resubmitted with {@code flink run -s <savepoint>}, and the rest arriving.</li>
 * </ol>
 *
 * <p>Run alone: {@code mvn -B -o verify -pl deploy -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ClusterFaultRecoveryIT}; the processes' logs stay in {@code deploy/target/cluster-faults/log}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultRecoveryIT {
    private static final long WINDOW_MS = 5_000;
    /** Capture time of the first frames: ten minutes ago, aligned to the windows. */
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final int TICKS = 20;
    private static final int CAMERAS_PER_STAGE = 2;
    /** Windows: 2 stages x 4 windows of 5 s, each with 5 frames from each of 2 cameras. */
    private static final int WINDOWS = 8;
    private static final String FRAMES_PER_WINDOW = "10";
    /** Sets and tracks of the setlist. */
    private static final int SUMMARIES = 5;
    private static final int PARALLELISM = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static Path setlistFile;
    private static Path workDir;
    private static Path jar;
    private static StandaloneFlinkCluster cluster;
    /** One list of frames per second of capture time, then the closing frames. */
    private static List<List<CameraFrame>> ticks;
    private static List<CameraFrame> closing;
    private static Map<String, Map<String, AttributeValue>> baselineScores;
    private static Map<String, Map<String, AttributeValue>> baselinePerformances;

    @BeforeAll
    static void start() throws Exception {
        Path root = LocalDemo.repositoryRoot();
        jar = Path.of(System.getProperty("msf.jar", "missing"));
        assertThat(jar).as("the job's uber jar (built by `mvn package` of module job)").isRegularFile();
        stack = LocalStack.start(ApplicationProperties.fromFile(root.resolve("config/local.json").toString()));
        workDir = Path.of("target", "cluster-faults").toAbsolutePath();
        Files.createDirectories(workDir);

        FrameGenerator crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 5).faceSize(60, 140).seed(5));
        FrameGenerator photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        ticks = new ArrayList<>();
        for (int i = 0; i < TICKS; i++) {
            List<CameraFrame> tick = new ArrayList<>();
            for (int c = 1; c <= CAMERAS_PER_STAGE; c++) {
                tick.add(crowd.next("pop-cam-" + c, "pop", i, T0 + i * 1000L + c * 10));
                tick.add(photos.next("jazz-cam-" + c, "jazz", i, T0 + i * 1000L + c * 10));
            }
            ticks.add(tick);
        }
        // later frames without faces from every camera (so on every shard) move the watermark
        // past the last window and the setlist's end
        byte[] noFaces = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"));
        closing = new ArrayList<>();
        for (int c = 1; c <= CAMERAS_PER_STAGE; c++) {
            for (String stage : List.of("pop", "jazz")) {
                closing.add(new CameraFrame(stage + "-cam-" + c, stage, T0 + 60_000, TICKS, MediaType.JPEG, noFaces));
            }
        }
        setlistFile = workDir.resolve("setlist.jsonl");
        Files.writeString(setlistFile, String.join("\n",
                event("set", "pop", "Astro Kids", "pop-set", null, null, 0, 20_000),
                event("track", "pop", "Astro Kids", "pop-set", "01", "Hello Stage", 0, 10_000),
                event("track", "pop", "Astro Kids", "pop-set", "02", "Goodbye Stage", 10_000, 20_000),
                event("set", "jazz", "Grace Trio", "jazz-set", null, null, 0, 20_000),
                event("track", "jazz", "Grace Trio", "jazz-set", "01", "Blue Hour", 0, 20_000)) + "\n",
                StandardCharsets.UTF_8);

        List<Path> classpath = Arrays.stream(Files.readString(Path.of(System.getProperty("flink.cluster.classpath")))
                .trim().split(java.io.File.pathSeparator)).map(Path::of).collect(Collectors.toList());
        cluster = StandaloneFlinkCluster.start(StandaloneFlinkCluster.Options.of(classpath, workDir)
                .taskManagers(3).slotsPerTaskManager(1)
                .set("execution.checkpointing.interval", "1 s")
                .set("restart-strategy.type", "fixed-delay")
                .set("restart-strategy.fixed-delay.attempts", "10")
                .set("restart-strategy.fixed-delay.delay", "1 s")
                // a killed TaskManager is noticed in seconds, not after the default 50 s
                .set("heartbeat.interval", "1000")
                .set("heartbeat.timeout", "5000")
                .jvmOption("-Daws.cborEnabled=false")
                .environment("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID)
                .environment("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY)
                .environment("AWS_REGION", LocalAws.REGION));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void faultFreeRun() throws Exception {
        Run run = new Run("baseline");
        run.write(0, TICKS);
        run.write(closing);
        String jobId = run.submit(null);
        try {
            run.awaitComplete(jobId);
        } finally {
            cluster.rest().cancel(jobId);
        }
        baselineScores = run.scores();
        baselinePerformances = run.performances();
        assertThat(baselineScores).hasSize(WINDOWS);
        long faces = 0;
        for (Map<String, AttributeValue> item : baselineScores.values()) {
            assertThat(item.get("frames_seen").n()).isEqualTo(FRAMES_PER_WINDOW);
            assertThat(item.get("faces_enriched").n()).isEqualTo(item.get("faces_detected").n());
            faces += Long.parseLong(item.get("faces_detected").n());
        }
        assertThat(faces).as("faces in all windows").isGreaterThan(80);
        assertThat(baselinePerformances).hasSize(SUMMARIES);
        System.out.printf("fault-free run: %d windows, %d faces, %d summaries%n", baselineScores.size(), faces,
                baselinePerformances.size());
    }

    @Test
    @Order(2)
    void taskManagerKilledMidStreamRestoresFromTheLastCheckpoint() throws Exception {
        assertThat(baselineScores).as("the fault-free run").isNotNull();
        Run run = new Run("tm-kill");
        FlinkRest rest = cluster.rest();
        String jobId = run.submit(null);
        try {
            run.write(0, TICKS / 2);
            // the first window of both stages written, then a checkpoint completed after that:
            // the state holds the later, still open windows
            run.awaitWindows(2);
            int checkpoints = rest.completedCheckpoints(jobId);
            awaitCondition("a checkpoint after the first windows", Duration.ofSeconds(30),
                    () -> rest.completedCheckpoints(jobId) > checkpoints);
            String source = rest.vertices(jobId).stream().filter(v -> v.name().contains("Kinesis frames"))
                    .findFirst().orElseThrow().id();
            Set<String> sourceTaskManagers = rest.taskManagersOf(jobId, source);
            int victim = 0;
            for (int i = 1; i <= 3 && victim == 0; i++) {
                if (sourceTaskManagers.contains(StandaloneFlinkCluster.taskManagerId(i))) {
                    victim = i;
                }
            }
            assertThat(victim).as("a TaskManager running the source, of %s", sourceTaskManagers).isPositive();
            long killedAt = System.currentTimeMillis();
            cluster.killTaskManager(victim);
            // the rest of the frames arrive while the job fails over
            run.write(TICKS / 2, TICKS);
            run.write(closing);
            run.awaitComplete(jobId);

            JsonNode restored = rest.restoredCheckpoint(jobId);
            System.out.println("TaskManager " + victim + " killed; restored from " + restored
                    + "; first failure: " + rest.exceptionHistory(jobId).path(0).path("exceptionName").asText());
            assertThat(restored.path("id").asLong()).as("restored checkpoint id").isGreaterThan(checkpoints);
            assertThat(restored.path("is_savepoint").asBoolean()).isFalse();
            assertThat(restored.path("restore_timestamp").asLong()).isGreaterThan(killedAt);
            assertThat(rest.exceptionHistory(jobId)).as("failures of the job").isNotEmpty();
            assertThat(rest.taskManagersOf(jobId, source)).doesNotContain(StandaloneFlinkCluster.taskManagerId(victim));
        } finally {
            rest.cancel(jobId);
        }
        run.assertSameAsBaseline();
    }

    @Test
    @Order(3)
    void stopWithSavepointAndResubmitLosesNothing() throws Exception {
        assertThat(baselineScores).as("the fault-free run").isNotNull();
        Run run = new Run("savepoint");
        FlinkRest rest = cluster.rest();
        String first = run.submit(null);
        String savepoint;
        try {
            run.write(0, TICKS / 2);
            run.awaitWindows(2);
            savepoint = rest.stopWithSavepoint(first, workDir.resolve("savepoints").toUri().toString(),
                    Duration.ofMinutes(1));
        } catch (Exception e) {
            rest.cancel(first);
            throw e;
        }
        awaitCondition("the stopped job FINISHED", Duration.ofSeconds(30), () -> rest.jobState(first).equals("FINISHED"));
        // frames arriving while no job runs, and after the resubmission
        run.write(TICKS / 2, TICKS * 3 / 4);
        String second = run.submit(savepoint);
        try {
            run.write(TICKS * 3 / 4, TICKS);
            run.write(closing);
            run.awaitComplete(second);
            JsonNode restored = rest.restoredCheckpoint(second);
            System.out.println("resubmitted from " + savepoint + ": " + restored);
            assertThat(restored.path("is_savepoint").asBoolean()).as("restored from a savepoint").isTrue();
            assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
        } finally {
            rest.cancel(second);
        }
        run.assertSameAsBaseline();
    }

    /** One run: its own stream (two shards), tables and job configuration file. */
    private static final class Run {
        private final String name;
        private final Map<String, Properties> groups;
        private final KinesisFrameWriter writer;
        private final Path configFile;

        Run(String name) throws Exception {
            this.name = name;
            String stream = name + "-frames";
            ResourceSetup setup = new ResourceSetup(stack.kinesis(), stack.dynamoDb());
            setup.ensureStream(stream, 2);
            setup.ensureTable(name + "-stage-scores");
            setup.ensurePerformanceTable(name + "-performance-scores");
            groups = stack.groups();
            Properties source = groups.get(ConfigKeys.GROUP_FRAME_SOURCE);
            source.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(stream));
            source.setProperty(ConfigKeys.INITIAL_POSITION, "TRIM_HORIZON");
            Properties aggregation = groups.get(ConfigKeys.GROUP_AGGREGATION);
            aggregation.setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW_MS));
            aggregation.setProperty(ConfigKeys.WINDOW_SLIDE_MS, Long.toString(WINDOW_MS));
            aggregation.setProperty(ConfigKeys.IDLENESS_MS, "1000");
            // enrichment a function of the crop alone: one crop per call, a budget no window exhausts
            groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MOSAIC_MAX_FACES, "1");
            groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MAX_TPS, "500");
            Properties setlist = new Properties();
            setlist.setProperty(ConfigKeys.FILE_PATH, setlistFile.toString());
            groups.put(ConfigKeys.GROUP_SETLIST, setlist);
            Properties sink = groups.get(ConfigKeys.GROUP_SCORES_SINK);
            sink.setProperty(ConfigKeys.TABLE_NAME, name + "-stage-scores");
            sink.setProperty(ConfigKeys.PERFORMANCE_TABLE_NAME, name + "-performance-scores");
            configFile = workDir.resolve(name + "-config.json");
            writePropertyGroups(groups, configFile);
            writer = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(stream));
        }

        String submit(String savepoint) throws Exception {
            return cluster.submit(jar, PARALLELISM, savepoint, List.of("--config", configFile.toString()));
        }

        /** Writes the frames of ticks {@code from} (inclusive) to {@code to} (exclusive). */
        void write(int from, int to) {
            for (int i = from; i < to; i++) {
                write(ticks.get(i));
            }
        }

        void write(List<CameraFrame> frames) {
            assertThat(writer.write(frames).failures()).as("frames written").isEmpty();
        }

        Map<String, Map<String, AttributeValue>> scores() {
            return ScoreItems.windows(stack.dynamoDb(), name + "-stage-scores");
        }

        Map<String, Map<String, AttributeValue>> performances() {
            return ScoreItems.performances(stack.dynamoDb(), name + "-performance-scores");
        }

        /** Waits for {@code n} window items with all their frames (2 min at most). */
        void awaitWindows(int n) throws Exception {
            awaitCondition(n + " full windows of " + name, Duration.ofMinutes(2), () -> full() >= n);
        }

        private long full() {
            return scores().values().stream().filter(i -> i.get("frames_seen").n().equals(FRAMES_PER_WINDOW)).count();
        }

        /**
         * Waits until every window is written with all its frames and every summary is written;
         * fails if the job ends, or after 3 minutes with the differences from the fault-free run
         * (a window that lost frames never gets all of them).
         */
        void awaitComplete(String jobId) throws Exception {
            try {
                awaitCondition("all windows and summaries of " + name, Duration.ofMinutes(3), () -> {
                    String state = cluster.rest().jobState(jobId);
                    assertThat(state).as("job state while waiting for its items").isIn("RUNNING", "RESTARTING",
                            "CREATED", "INITIALIZING");
                    return full() == WINDOWS && performances().size() == SUMMARIES;
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

    private static String event(String type, String stage, String artist, String set, String track, String title,
                                long from, long to) {
        ObjectNode e = JSON.createObjectNode().put("type", type).put("stage_id", stage).put("artist", artist)
                .put("set_id", set);
        if (track != null) {
            e.put("track_id", track).put("title", title);
        }
        return e.put("start_ms", T0 + from).put("end_ms", T0 + to).toString();
    }

    /** Writes property groups in MSF's format, the file {@code --config} reads. */
    private static void writePropertyGroups(Map<String, Properties> groups, Path file) throws Exception {
        ArrayNode root = JSON.createArrayNode();
        groups.forEach((id, props) -> {
            ObjectNode map = JSON.createObjectNode();
            new TreeMap<>(props).forEach((k, v) -> map.put((String) k, (String) v));
            root.addObject().put("PropertyGroupId", id).set("PropertyMap", map);
        });
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
