package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.Images;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Runs the job (real Kinesis source, DynamoDB sink) on a Flink mini-cluster (parallelism 2) over
 * one stream of the local stack, collecting its dead letters; the settings of
 * {@link DetectorModesTest} make enrichment a function of the crop alone: one crop per
 * DetectFaces call, a budget no window exhausts.
 */
final class JobRuns {
    static final long WINDOW_MS = 10_000;
    /** Dead letters by run name (static: the sink is serialised). */
    static final Map<String, ConcurrentLinkedQueue<DeadLetter>> DEAD_LETTERS = new ConcurrentHashMap<>();

    private JobRuns() {}

    /** A running job. */
    static final class Run implements AutoCloseable {
        final String name;
        final JobClient job;
        final ScoreBoard board;

        Run(String name, JobClient job, ScoreBoard board) {
            this.name = name;
            this.job = job;
            this.board = board;
        }

        /** The dead letters so far. */
        ConcurrentLinkedQueue<DeadLetter> deadLetters() {
            return DEAD_LETTERS.get(name);
        }

        /** Items by "stage@windowStart". */
        Map<String, StageWindowScore> items() {
            return board.readAll().stream().collect(Collectors.toMap(
                    s -> s.getStageId() + "@" + s.getWindowStartMs(), s -> s, (a, b) -> b, TreeMap::new));
        }

        /** Polls until {@code done} holds for the items, failing if the job ends or 4 minutes pass. */
        Map<String, StageWindowScore> awaitItems(Predicate<Map<String, StageWindowScore>> done) throws Exception {
            return await(() -> items(), done);
        }

        /** Polls {@code what} until {@code done} holds, failing if the job ends or 4 minutes pass. */
        <T> T await(java.util.function.Supplier<T> what, Predicate<T> done) throws Exception {
            long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(4);
            T value = what.get();
            while (!done.test(value)) {
                assertThat(System.currentTimeMillis()).as("%s: waited 4 minutes", name).isLessThan(deadline);
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("%s job ended", name).isFalse();
                Thread.sleep(500);
                value = what.get();
            }
            return value;
        }

        /** Whether the job is still running (it must survive every bad input). */
        boolean running() throws Exception {
            return !job.getJobStatus().get().isGloballyTerminalState();
        }

        @Override
        public void close() throws Exception {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts the job on {@code stream} (from TRIM_HORIZON) writing to a new table {@code scores-<name>}.
     *
     * @param tweak last changes to the property groups
     */
    static Run start(LocalStack stack, String name, String stream, Consumer<Map<String, Properties>> tweak)
            throws Exception {
        Map<String, Properties> groups = stack.groups();
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(stream));
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.INITIAL_POSITION, "TRIM_HORIZON");
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(WINDOW_MS));
        groups.get(ConfigKeys.GROUP_AGGREGATION).setProperty(ConfigKeys.IDLENESS_MS, "1000");
        groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MOSAIC_MAX_FACES, "1");
        groups.get(ConfigKeys.GROUP_REKOGNITION).setProperty(ConfigKeys.MAX_TPS, "500");
        String table = "scores-" + name;
        groups.get(ConfigKeys.GROUP_SCORES_SINK).setProperty(ConfigKeys.TABLE_NAME, table);
        tweak.accept(groups);
        new ResourceSetup(stack.kinesis(), stack.dynamoDb()).ensureTable(table);
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);

        DEAD_LETTERS.put(name, new ConcurrentLinkedQueue<>());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        CrowdEmotionPipeline.Outputs outputs = CrowdEmotionPipeline.fromKinesis(env, config);
        CrowdEmotionPipeline.attachSinks(outputs, config);
        outputs.deadLetters.addSink(new SinkFunction<DeadLetter>() {
            @Override
            public void invoke(DeadLetter value, Context context) {
                DEAD_LETTERS.get(name).add(value);
            }
        });
        JobClient job = env.executeAsync(name);
        return new Run(name, job, new ScoreBoard(stack.dynamoDb(), table, stack.config().performanceTableName(), System.out));
    }

    /** Start of the window of {@code timeMs}. */
    static long windowStart(long timeMs) {
        return timeMs - Math.floorMod(timeMs, WINDOW_MS);
    }

    /** {frames, faces} per "stage@windowStart" of {@code frames}, faces by the job's detector settings. */
    static Map<String, long[]> expectedFramesAndFaces(Collection<CameraFrame> frames, BlazeFaceDetector detector)
            throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        for (CameraFrame f : frames) {
            long[] counts = out.computeIfAbsent(f.getStageId() + "@" + windowStart(f.getCaptureTimeMs()), k -> new long[2]);
            counts[0]++;
            counts[1] += detector.detect(Images.decode(f.getImage())).size();
        }
        return out;
    }

    /** Whether every expected window has an item with at least its frames and enriched faces. */
    static boolean complete(Map<String, StageWindowScore> items, Map<String, long[]> expected) {
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            StageWindowScore s = items.get(e.getKey());
            if (s == null || s.getFramesSeen() < e.getValue()[0] || s.getFacesEnriched() < e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }

    /** Asserts the items' exact frame, face and enriched counts. */
    static void assertCounts(Map<String, StageWindowScore> items, Map<String, long[]> expected) {
        expected.forEach((key, counts) -> {
            StageWindowScore s = items.get(key);
            assertThat(s).as("item %s", key).isNotNull();
            assertThat(new long[] {s.getFramesSeen(), s.getFacesDetected(), s.getFacesEnriched()})
                    .as("frames, faces, enriched of %s", key).containsExactly(counts[0], counts[1], counts[1]);
        });
    }

    /** Asserts that {@code actual} has the items {@code reference} has for {@code keys}, attribute for attribute. */
    static void assertSameItems(Map<String, StageWindowScore> actual, Map<String, StageWindowScore> reference,
                                Collection<String> keys) {
        for (String key : keys) {
            StageWindowScore e = reference.get(key);
            StageWindowScore o = actual.get(key);
            assertThat(e).as("reference item %s", key).isNotNull();
            assertThat(o).as("item %s", key).isNotNull();
            assertThat(new long[] {o.getWindowEndMs(), o.getFramesSeen(), o.getFacesDetected(), o.getFacesEnriched()})
                    .as("counts of %s", key)
                    .containsExactly(e.getWindowEndMs(), e.getFramesSeen(), e.getFacesDetected(), e.getFacesEnriched());
            assertThat(o.getDominantCounts()).as("dominant emotions of %s", key).containsExactly(e.getDominantCounts());
            assertThat(o.getMeanConfidence()).as("mean confidences of %s", key)
                    .containsExactly(e.getMeanConfidence(), within(1e-9));
        }
    }
}
