package dev.crowdemotion.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.setup.ResourceSetup;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter output on the local stack, on a Flink mini-cluster with the real Kinesis
 * source: records that break the frame contract (bad magic, a bad camera id, zero bytes) and a
 * frame whose JPEG does not decode are put into a frame stream with the SDK; the job's dead
 * letters are read back from the dead-letter stream (KinesisStreamsSink) with the SDK's
 * KinesisClient, or from the JSON Lines files of the FileSink. Each dead letter must carry the
 * reason, and the shard id and sequence number Kinesis gave its record; the payload only with
 * {@code DeadLetters.include.payload=true}, then byte for byte the record put. The per-reason
 * counters are read through a metric reporter of the mini-cluster.
 */
class DeadLetterOutputTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    private static final String FRAMES_STREAM = "dead-letter-test-frames";

    private static LocalStack stack;
    /** Sequence number -> what was put and which dead letter it must give. */
    private static final Map<String, Put> PUTS = new LinkedHashMap<>();

    record Put(String reason, String step, String shardId, byte[] data, String cameraId) {}

    @TempDir
    Path dir;

    @BeforeAll
    static void putBadRecords() throws Exception {
        Path root = LocalDemo.repositoryRoot();
        Map<String, Properties> groups = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        stack = LocalStack.start(groups);
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureStream(FRAMES_STREAM, 1);

        byte[] jpeg = Files.readAllBytes(root.resolve("data/images/grace_hopper_512x512.jpg"));
        byte[] large = Files.readAllBytes(root.resolve("data/images/hubble_deep_field.jpg")); // 528 KB
        byte[] valid = FrameCodec.encode(new CameraFrame("cam-1", "pop", T0, 1, MediaType.JPEG, jpeg));
        byte[] badMagic = valid.clone();
        badMagic[0] = 'X';
        byte[] badId = replaceOnce(valid, "cam-1", "cam!1");
        byte[] truncatedJpeg = FrameCodec.encode(new CameraFrame("cam-2", "pop", T0 + 1000, 2, MediaType.JPEG,
                Arrays.copyOf(jpeg, 600)));
        put("BAD_MAGIC", "INGEST", badMagic, null);
        put("BAD_ID", "INGEST", badId, null);
        put("TRUNCATED", "INGEST", new byte[0], null);
        put("BAD_MAGIC", "INGEST", "{\"not\": \"a frame record\", \"but\": \"JSON text of some length\"}".getBytes(StandardCharsets.US_ASCII), null);
        put("IMAGE_UNDECODABLE", "DETECTION", truncatedJpeg, "cam-2");
        // over the 256 KiB payload cap: its dead letter never carries the bytes
        put("BAD_MAGIC", "INGEST", large, null);
    }

    private static void put(String reason, String step, byte[] data, String cameraId) {
        PutRecordResponse r = stack.kinesis().putRecord(b -> b.streamName(FRAMES_STREAM).partitionKey("k")
                .data(SdkBytes.fromByteArray(data)));
        PUTS.put(r.sequenceNumber(), new Put(reason, step, r.shardId(), data, cameraId));
    }

    private static byte[] replaceOnce(byte[] data, String from, String to) {
        String s = new String(data, StandardCharsets.ISO_8859_1);
        int i = s.indexOf(from);
        assertThat(i).isGreaterThan(0);
        return (s.substring(0, i) + to + s.substring(i + from.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void deadLettersReachTheKinesisStreamWithoutPayloadByDefault() throws Exception {
        String stream = streamName(stack.config().deadLetterStreamArn());
        Map<String, Properties> groups = groups();
        List<JsonNode> read = runUntil(groups, "kinesis", () -> readStream(stream));
        assertMatchPuts(read, false);
        // per-reason counters of the operator in front of the sink
        assertThat(TestReporter.counts("kinesis")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "INGEST/BAD_MAGIC", 3L, "INGEST/BAD_ID", 1L, "INGEST/TRUNCATED", 1L, "DETECTION/IMAGE_UNDECODABLE", 1L));
    }

    @Test
    void thePayloadIsTheRecordPutWhenIncluded() throws Exception {
        String stream = "dead-letter-test-with-payload";
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureStream(stream, 1);
        Map<String, Properties> groups = groups();
        groups.get(ConfigKeys.GROUP_DEAD_LETTERS).setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(stream));
        groups.get(ConfigKeys.GROUP_DEAD_LETTERS).setProperty(ConfigKeys.INCLUDE_PAYLOAD, "true");
        assertMatchPuts(runUntil(groups, "payload", () -> readStream(stream)), true);
    }

    @Test
    void theFileSinkWritesTheSameJsonLinesOnCheckpoints() throws Exception {
        Map<String, Properties> groups = groups();
        Properties dl = new Properties();
        dl.setProperty(ConfigKeys.FILE_PATH, dir.toString());
        groups.put(ConfigKeys.GROUP_DEAD_LETTERS, dl);
        assertMatchPuts(runUntil(groups, "file", () -> readFiles(dir)), false);
    }

    /** The stack's configuration reading {@link #FRAMES_STREAM} from the start. */
    private static Map<String, Properties> groups() {
        Map<String, Properties> groups = stack.groups();
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(FRAMES_STREAM));
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.INITIAL_POSITION, "TRIM_HORIZON");
        groups.remove(ConfigKeys.GROUP_CLOUDWATCH);
        return groups;
    }

    private static void assertMatchPuts(List<JsonNode> read, boolean payload) {
        assertThat(read).hasSize(PUTS.size());
        Map<String, JsonNode> bySequence = new HashMap<>();
        List<JsonNode> detection = new ArrayList<>();
        for (JsonNode d : read) {
            if (d.has("sequenceNumber")) {
                bySequence.put(d.get("sequenceNumber").asText(), d);
            } else {
                detection.add(d);
            }
        }
        PUTS.forEach((seq, p) -> {
            JsonNode d = p.step().equals("INGEST") ? bySequence.get(seq) : detection.get(0);
            assertThat(d).as("dead letter of %s", seq).isNotNull();
            assertThat(d.get("step").asText()).isEqualTo(p.step());
            assertThat(d.get("reason").asText()).as("reason of %s", seq).isEqualTo(p.reason());
            if (p.step().equals("INGEST")) {
                assertThat(d.get("shardId").asText()).isEqualTo(p.shardId());
                assertThat(d.get("payloadBytes").asInt()).isEqualTo(p.data().length);
                if (payload && p.data().length <= ConfigKeys.DEAD_LETTER_MAX_PAYLOAD_BYTES) {
                    assertThat(Base64.getDecoder().decode(d.get("payload").asText())).as("payload of %s", seq)
                            .isEqualTo(p.data());
                } else {
                    assertThat(d.has("payload")).as("payload of %s", seq).isFalse();
                }
            } else {
                // rejected after decoding: the frame is known, the raw record is not carried on
                assertThat(d.get("cameraId").asText()).isEqualTo(p.cameraId());
                assertThat(d.get("captureTimeMs").asLong()).isEqualTo(T0 + 1000);
                assertThat(d.has("payload")).isFalse();
            }
        });
    }

    /** Runs the job until {@code read} gives as many dead letters as were put (or 3 minutes); returns them. */
    private static List<JsonNode> runUntil(Map<String, Properties> groups, String key, Supplier<List<JsonNode>> read)
            throws Exception {
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.test.factory.class", TestReporterFactory.class.getName());
        conf.setString("metrics.reporter.test.run", key);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(500);
        CrowdEmotionPipeline.attachSinks(CrowdEmotionPipeline.fromKinesis(env, config), config);
        JobClient job = env.executeAsync("dead letters " + key);
        List<JsonNode> got = List.of();
        try {
            long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(3);
            while (System.currentTimeMillis() < deadline && got.size() < PUTS.size()) {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("%s job ended early", key).isFalse();
                Thread.sleep(1000);
                got = read.get();
            }
            Thread.sleep(2000); // nothing more arrives
            got = read.get();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        System.out.printf("%s: %d dead letters read back%n", key, got.size());
        return got;
    }

    private static List<JsonNode> readStream(String stream) {
        List<JsonNode> out = new ArrayList<>();
        for (Shard shard : stack.kinesis().listShards(b -> b.streamName(stream)).shards()) {
            String it = stack.kinesis().getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            for (int calls = 0; it != null && calls < 20; calls++) {
                String current = it;
                GetRecordsResponse r = stack.kinesis().getRecords(b -> b.shardIterator(current));
                for (Record rec : r.records()) {
                    out.add(json(rec.data().asUtf8String()));
                }
                it = r.records().isEmpty() ? null : r.nextShardIterator();
            }
        }
        return out;
    }

    /** The finished part files (in-progress ones start with a dot). */
    private static List<JsonNode> readFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<JsonNode> out = new ArrayList<>();
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).collect(Collectors.toList())) {
                assertThat(f.getFileName().toString()).startsWith("dead-letters").endsWith(".jsonl");
                for (String line : Files.readAllLines(f)) {
                    out.add(json(line));
                }
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    private static String streamName(String arn) {
        return arn.substring(arn.indexOf(":stream/") + ":stream/".length());
    }

    /** Keeps the {@value JobMetrics#DEAD_LETTERS_BY_REASON} counters, by run and "step/reason". */
    public static final class TestReporter implements MetricReporter {
        static final Map<String, Map<String, Counter>> COUNTERS = new ConcurrentHashMap<>();
        private String run;

        static Map<String, Long> counts(String run) {
            return COUNTERS.getOrDefault(run, Map.of()).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getCount()));
        }

        @Override public void open(MetricConfig config) { run = config.getString("run", "?"); }
        @Override public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            Map<String, String> v = group.getAllVariables();
            if (name.equals(JobMetrics.DEAD_LETTERS_BY_REASON) && metric instanceof Counter
                    && group.getMetricIdentifier(name).contains(JobMetrics.GROUP)) {
                COUNTERS.computeIfAbsent(run, r -> new ConcurrentHashMap<>())
                        .put(v.get("<step>") + "/" + v.get("<reason>"), (Counter) metric);
            }
        }

        @Override public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
    }

    /** Creates {@link TestReporter}s (named in the mini-cluster's configuration). */
    public static final class TestReporterFactory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new TestReporter();
        }
    }
}
