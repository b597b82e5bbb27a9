package dev.crowdemotion.job.setlist;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.PerformanceScoresTable;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.crowdemotion.job.setlist.SetlistJoinTest.T0;
import static dev.crowdemotion.job.setlist.SetlistJoinTest.W;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The setlist step as the job wires it ({@link CrowdEmotionPipeline#joinSetlist}: parser,
 * watermarks, keyed join) on a Flink mini-cluster at parallelism 2: the setlist in order, shuffled,
 * and arriving after the scores give the same final items (last write per DynamoDB key).
 */
class SetlistPipelineTest {
    static final ConcurrentLinkedQueue<StageWindowScore> SCORES = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<PerformanceScore> PERFORMANCES = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<DeadLetter> DEAD = new ConcurrentLinkedQueue<>();

    static List<StageWindowScore> windows() {
        List<StageWindowScore> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (String stage : List.of("rock", "pop", "jazz")) {
                StageWindowScore s = SetlistJoinTest.window(T0 + i * W, W, 3 + i, 10 + 7 * i);
                s.setStageId(stage);
                all.add(s);
            }
        }
        return all;
    }

    static List<String> setlist() {
        List<String> lines = new ArrayList<>();
        for (ScheduleEvent e : List.of(SetlistJoinTest.SET, SetlistJoinTest.TRACK1, SetlistJoinTest.TRACK2,
                ScheduleEvent.set("pop", "Astro", "astro-1", T0 + 20_000, T0 + 120_000),
                ScheduleEvent.track("pop", "Astro", "astro-1", "01", "Long one", T0 + 20_000, T0 + 120_000))) {
            lines.add(ScheduleEvents.toJson(e));
        }
        lines.add("{\"type\":\"track\",\"stage_id\":\"rock\"}");
        lines.add("");
        return lines;
    }

    /** Sleeps before the first schedule event so that it reaches the join after the window scores. */
    static final class Late implements MapFunction<String, String> {
        private transient boolean slept;

        @Override
        public String map(String s) throws Exception {
            if (!slept) {
                Thread.sleep(3_000);
                slept = true;
            }
            return s;
        }
    }

    /** Runs the step; returns (final scores by stage@window, final performances by key). */
    static Map<String, Object> run(List<String> schedule, boolean late) throws Exception {
        SCORES.clear();
        PERFORMANCES.clear();
        DEAD.clear();
        Properties source = new Properties();
        source.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/x");
        Properties agg = new Properties();
        agg.setProperty(ConfigKeys.WINDOW_SIZE_MS, Long.toString(W));
        agg.setProperty(ConfigKeys.IDLENESS_MS, "60000"); // the setlist holds event time back until it is read
        CrowdEmotionConfig config = new CrowdEmotionConfig(Map.of(ConfigKeys.GROUP_FRAME_SOURCE, source,
                ConfigKeys.GROUP_AGGREGATION, agg));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        DataStream<StageWindowScore> scores = env.fromData(windows()).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<StageWindowScore>forMonotonousTimestamps()
                        .withTimestampAssigner((s, t) -> s.getWindowEndMs() - 1)).setParallelism(1);
        DataStream<String> raw = env.fromData(schedule).setParallelism(1);
        if (late) {
            raw = raw.map(new Late()).setParallelism(1);
        }
        CrowdEmotionPipeline.SetlistOutputs out = CrowdEmotionPipeline.joinSetlist(scores, raw, config);
        out.scores.addSink(new SinkFunction<StageWindowScore>() {
            @Override public void invoke(StageWindowScore s, Context c) { SCORES.add(s); }
        }).setParallelism(1);
        out.performances.addSink(new SinkFunction<PerformanceScore>() {
            @Override public void invoke(PerformanceScore p, Context c) { PERFORMANCES.add(p); }
        }).setParallelism(1);
        out.deadLetters.addSink(new SinkFunction<DeadLetter>() {
            @Override public void invoke(DeadLetter d, Context c) { DEAD.add(d); }
        }).setParallelism(1);
        env.execute("setlist join");

        Map<String, Object> last = new TreeMap<>();
        for (StageWindowScore s : SCORES) {
            last.put("window " + s.getStageId() + "@" + (s.getWindowStartMs() - T0), s);
        }
        for (PerformanceScore p : PERFORMANCES) {
            last.put("performance " + p.getArtist() + " " + PerformanceScoresTable.performanceKey(p), p);
        }
        return last;
    }

    @Test
    void finalItemsDoNotDependOnTheOrderOrLatenessOfScheduleEvents() throws Exception {
        Map<String, Object> inOrder = run(setlist(), false);
        assertThat(DEAD).singleElement().satisfies(d -> {
            assertThat(d.getStep()).isEqualTo(DeadLetter.Step.SETLIST);
            assertThat(d.getReason()).isEqualTo(SetlistParser.BAD_SCHEDULE_EVENT);
            assertThat(d.getDetail()).contains("artist");
        });
        assertThat(inOrder.keySet().stream().filter(k -> k.startsWith("window"))).hasSize(36);
        assertThat(inOrder.keySet().stream().filter(k -> k.startsWith("performance"))).containsExactly(
                "performance Astro set#astro-1",
                "performance Astro set#astro-1#track#" + (T0 + 20_000) + "#01",
                "performance The Hoppers set#hoppers-1",
                "performance The Hoppers set#hoppers-1#track#" + T0 + "#01",
                "performance The Hoppers set#hoppers-1#track#" + (T0 + 30_000) + "#02");
        StageWindowScore rock4 = (StageWindowScore) inOrder.get("window rock@40000");
        assertThat(rock4.getTrackId()).isEqualTo("02");
        assertThat(rock4.getTrackTitle()).isEqualTo("Closer");
        assertThat(((StageWindowScore) inOrder.get("window pop@10000")).getArtist()).as("midpoint 15 s: before the set").isNull();
        assertThat(((StageWindowScore) inOrder.get("window pop@20000")).getArtist()).isEqualTo("Astro");
        assertThat(((StageWindowScore) inOrder.get("window jazz@20000")).getArtist()).isNull();
        PerformanceScore astro = (PerformanceScore) inOrder.get("performance Astro set#astro-1");
        assertThat(astro.getWindows()).isEqualTo(10); // windows 2..11
        long faces = 0;
        for (int i = 2; i < 12; i++) faces += 3 + i;
        assertThat(astro.getFacesEnriched()).isEqualTo(faces);

        List<String> shuffled = setlist();
        Collections.shuffle(shuffled, new Random(42));
        assertThat(run(shuffled, false)).isEqualTo(inOrder);
        Collections.reverse(shuffled);
        assertThat(run(shuffled, true)).isEqualTo(inOrder);
        assertThat(SCORES.size()).as("windows scored before their schedule events came were emitted again").isGreaterThan(36);
    }
}
