package dev.crowdemotion.deploy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionJob;
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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's uber jar ({@code job-*-msf.jar}, the one deployed to MSF) on a standalone Flink
 * cluster of three JVM processes (a JobManager and two TaskManagers of one slot each, see
 * {@link StandaloneFlinkCluster}), submitted with {@code flink run -p 2}, against the local stack
 * (kinesis-mock, DynamoDB Local, the Rekognition and CloudWatch stand-ins). The same frames and
 * setlist then go through the same job on a Flink mini-cluster in this JVM. The DynamoDB items of
 * both runs, window scores and set/track summaries, must be equal.
 *
 * <p>Run alone: {@code mvn -B verify -pl deploy -am -Dit.test=StandaloneClusterIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}; the processes' logs stay in
 * {@code deploy/target/standalone-cluster/log}.
 */
class StandaloneClusterIT {
    private static final long WINDOW_MS = 5_000;
    /**
     * Capture time of the first frames: ten minutes ago, aligned to the windows (CloudWatch, and
     * its stand-in, refuse datapoints older than two weeks).
     */
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final int FRAMES_PER_CAMERA = 10;
    private static final int CAMERAS_PER_STAGE = 2;
    private static final String STREAM = "cluster-frames";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static Path setlistFile;

    @BeforeAll
    static void sendFrames(@TempDir Path tmp) throws Exception {
        Path root = LocalDemo.repositoryRoot();
        stack = LocalStack.start(ApplicationProperties.fromFile(root.resolve("config/local.json").toString()));
        // two shards, so that each of the two source subtasks reads one
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureStream(STREAM, 2);

        FrameGenerator crowd = CrowdComposer.fromDirectory(root.resolve("data/stages/pop"),
                CrowdComposer.Settings.defaults().size(960, 540).faces(2, 5).faceSize(60, 140).seed(5));
        FrameGenerator photos = PhotoFrames.fromDirectory(root.resolve("data/stages/jazz"));
        byte[] noFaces = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg"));
        KinesisFrameWriter writer = new KinesisFrameWriter(stack.kinesis(), StreamRef.name(STREAM));
        for (int i = 0; i < FRAMES_PER_CAMERA; i++) {
            List<CameraFrame> tick = new ArrayList<>();
            for (int c = 1; c <= CAMERAS_PER_STAGE; c++) {
                tick.add(crowd.next("pop-cam-" + c, "pop", i, T0 + i * 1000L + c * 10));
                tick.add(photos.next("jazz-cam-" + c, "jazz", i, T0 + i * 1000L + c * 10));
            }
            assertThat(writer.write(tick).failures()).as("frames written").isEmpty();
        }
        // later frames without faces, from every camera (so on every shard), move the watermark
        // past the last window and the setlist's end, closing them
        List<CameraFrame> closing = new ArrayList<>();
        for (int c = 1; c <= CAMERAS_PER_STAGE; c++) {
            for (String stage : List.of("pop", "jazz")) {
                closing.add(new CameraFrame(stage + "-cam-" + c, stage, T0 + 60_000, FRAMES_PER_CAMERA,
                        MediaType.JPEG, noFaces));
            }
        }
        assertThat(writer.write(closing).failures()).as("closing frames written").isEmpty();

        setlistFile = tmp.resolve("setlist.jsonl");
        Files.writeString(setlistFile, String.join("\n",
                event("set", "pop", "Astro Kids", "pop-set", null, null, 0, 10_000),
                event("track", "pop", "Astro Kids", "pop-set", "01", "Hello Stage", 0, 5_000),
                event("track", "pop", "Astro Kids", "pop-set", "02", "Goodbye Stage", 5_000, 10_000),
                event("set", "jazz", "Grace Trio", "jazz-set", null, null, 0, 10_000),
                event("track", "jazz", "Grace Trio", "jazz-set", "01", "Blue Hour", 0, 10_000)) + "\n",
                StandardCharsets.UTF_8);
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

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void uberJarOnThreeProcessesWritesWhatTheMiniClusterWrites() throws Exception {
        Path jar = Path.of(System.getProperty("msf.jar", "missing"));
        assertThat(jar).as("the job's uber jar (built by `mvn package` of module job)").isRegularFile();
        List<Path> classpath = Arrays.stream(Files.readString(Path.of(System.getProperty("flink.cluster.classpath")))
                .trim().split(java.io.File.pathSeparator)).map(Path::of).collect(Collectors.toList());
        Path workDir = Path.of("target", "standalone-cluster").toAbsolutePath();

        // 1. The uber jar on the standalone cluster, configured by a file of property groups
        Map<String, Properties> clusterGroups = groups("cluster");
        Path configFile = workDir.resolve("job-config.json");
        Files.createDirectories(workDir);
        writePropertyGroups(clusterGroups, configFile);
        Map<String, Map<String, AttributeValue>> clusterScores;
        Map<String, Map<String, AttributeValue>> clusterPerformances;
        StandaloneFlinkCluster.Options options = StandaloneFlinkCluster.Options.of(classpath, workDir)
                .taskManagers(2).slotsPerTaskManager(1)
                // cluster configuration, not job code: the job sets no checkpointing of its own
                .set("execution.checkpointing.interval", "2 s")
                .jvmOption("-Daws.cborEnabled=false")
                // the stand-ins' dummy credentials, through the SDK's default provider chain
                .environment("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID)
                .environment("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY)
                .environment("AWS_REGION", LocalAws.REGION);
        try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(options)) {
            String jobId = cluster.submit(jar, 2, List.of("--config", configFile.toString()));
            FlinkRest rest = cluster.rest();
            try {
                awaitComplete(clusterGroups, () -> {
                    try {
                        String state = rest.jobState(jobId);
                        return List.of("FAILED", "CANCELED", "FINISHED").contains(state) ? state : null;
                    } catch (Exception e) {
                        return "unreachable: " + e;
                    }
                });
                // parallelism 2 over two TaskManagers of one slot: every parallel vertex spans both processes
                List<FlinkRest.Vertex> vertices = rest.vertices(jobId);
                System.out.println("cluster job vertices: " + vertices);
                assertThat(vertices).extracting(FlinkRest.Vertex::parallelism).contains(2);
                for (FlinkRest.Vertex v : vertices) {
                    assertThat(rest.taskManagersOf(jobId, v.id())).as("TaskManagers of %s", v)
                            .hasSize(v.parallelism());
                }
                assertThat(rest.completedCheckpoints(jobId)).as("checkpoints configured by the cluster").isPositive();
            } finally {
                rest.cancel(jobId);
            }
            clusterScores = scan(tableName(clusterGroups), "stage_id", "window_start");
            clusterPerformances = scan(performanceTableName(clusterGroups), "artist", "performance");
        }

        // 2. The same job on a mini-cluster in this JVM, from the same stream
        Map<String, Properties> miniGroups = groups("mini");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        env.enableCheckpointing(2_000);
        CrowdEmotionJob.define(env, new CrowdEmotionConfig(miniGroups));
        JobClient job = env.executeAsync("crowd-emotion on a mini-cluster");
        try {
            awaitComplete(miniGroups, () -> {
                try {
                    return job.getJobStatus().get().isGloballyTerminalState() ? job.getJobStatus().get().name() : null;
                } catch (Exception e) {
                    return e.toString();
                }
            });
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        Map<String, Map<String, AttributeValue>> miniScores = scan(tableName(miniGroups), "stage_id", "window_start");
        Map<String, Map<String, AttributeValue>> miniPerformances = scan(performanceTableName(miniGroups), "artist", "performance");

        // 3. Equal items: 2 stages x 2 windows of 10 frames each, every face enriched; 2 sets and 3 tracks
        assertThat(clusterScores).hasSize(4);
        long faces = 0;
        for (Map<String, AttributeValue> item : clusterScores.values()) {
            assertThat(item.get("frames_seen").n()).isEqualTo("10");
            assertThat(item.get("faces_enriched").n()).isEqualTo(item.get("faces_detected").n());
            faces += Long.parseLong(item.get("faces_detected").n());
        }
        assertThat(faces).as("faces in all windows").isGreaterThan(40);
        assertThat(clusterPerformances).hasSize(5);
        assertSameItems("window scores", clusterScores, miniScores);
        assertSameItems("set and track summaries", clusterPerformances, miniPerformances);
        System.out.printf("standalone cluster and mini-cluster: %d equal window items (%d faces), %d equal summaries%n",
                clusterScores.size(), faces, clusterPerformances.size());
    }

    /** The stack's property groups for one run: own tables, the test stream, the setlist file. */
    private static Map<String, Properties> groups(String run) {
        Map<String, Properties> groups = stack.groups();
        Properties source = groups.get(ConfigKeys.GROUP_FRAME_SOURCE);
        source.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(STREAM));
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
        sink.setProperty(ConfigKeys.TABLE_NAME, run + "-stage-scores");
        sink.setProperty(ConfigKeys.PERFORMANCE_TABLE_NAME, run + "-performance-scores");
        ResourceSetup setup = new ResourceSetup(stack.kinesis(), stack.dynamoDb());
        setup.ensureTable(run + "-stage-scores");
        setup.ensurePerformanceTable(run + "-performance-scores");
        return groups;
    }

    private static String tableName(Map<String, Properties> groups) {
        return groups.get(ConfigKeys.GROUP_SCORES_SINK).getProperty(ConfigKeys.TABLE_NAME);
    }

    private static String performanceTableName(Map<String, Properties> groups) {
        return groups.get(ConfigKeys.GROUP_SCORES_SINK).getProperty(ConfigKeys.PERFORMANCE_TABLE_NAME);
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

    /**
     * Waits until both windows of both stages are in the score table with all their frames and
     * the five summaries are in the performance table; fails if the job ends (a non-null state
     * from {@code ended}) or after 5 minutes.
     */
    private static void awaitComplete(Map<String, Properties> groups, Supplier<String> ended) throws Exception {
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(5);
        while (true) {
            Map<String, Map<String, AttributeValue>> scores = scan(tableName(groups), "stage_id", "window_start");
            long full = scores.values().stream().filter(i -> i.get("frames_seen").n().equals("10")).count();
            int summaries = scan(performanceTableName(groups), "artist", "performance").size();
            if (full == 4 && summaries == 5) {
                return;
            }
            String state = ended.get();
            assertThat(state).as("job state while waiting for its items").isNull();
            assertThat(System.currentTimeMillis()).as("%d full windows and %d summaries so far", full, summaries)
                    .isLessThan(deadline);
            Thread.sleep(1_000);
        }
    }

    private static Map<String, Map<String, AttributeValue>> scan(String table, String hashKey, String rangeKey) {
        return ScoreItems.scan(stack.dynamoDb(), table, hashKey, rangeKey);
    }

    /** Same keys and attributes, compared as {@link ScoreItems#differences} does. */
    private static void assertSameItems(String what, Map<String, Map<String, AttributeValue>> actual,
                                        Map<String, Map<String, AttributeValue>> expected) {
        assertThat(ScoreItems.differences(actual, expected)).as(what).isEmpty();
    }
}
