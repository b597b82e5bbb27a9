package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.job.setlist.SetlistParser;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.ScheduleEvents;
import dev.crowdemotion.setlist.SetlistSources;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The setlist's production input: schedule events put into a Kinesis stream (kinesis-mock) with
 * the real SDK are read by the job's {@link SetlistSources} (FLIP-27 Kinesis source) on a
 * mini-cluster and parsed; a broken one becomes a dead letter.
 */
class SetlistKinesisSourceTest {
    static final ConcurrentLinkedQueue<ScheduleEvent> EVENTS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<DeadLetter> DEAD = new ConcurrentLinkedQueue<>();

    @Test
    void scheduleEventsArriveFromAKinesisStream() throws Exception {
        Map<String, Properties> groups = ApplicationProperties.fromFile(
                LocalDemo.repositoryRoot().resolve("config/local.json").toString());
        Properties setlist = new Properties();
        setlist.setProperty(ConfigKeys.STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/crowd-emotion-setlist");
        groups.put(ConfigKeys.GROUP_SETLIST, setlist);
        List<ScheduleEvent> sent = List.of(
                ScheduleEvent.set("rock", "The Hoppers", "hoppers-1", 1_000_000, 2_000_000),
                ScheduleEvent.track("rock", "The Hoppers", "hoppers-1", "01", "Opener", 1_000_000, 1_200_000));
        try (LocalStack stack = LocalStack.start(groups)) {
            String stream = LocalStack.streamName(stack.config().setlistStreamArn());
            for (ScheduleEvent e : sent) {
                put(stack, stream, ScheduleEvents.toJson(e));
            }
            put(stack, stream, "{\"type\":\"track\",\"stage_id\":\"rock\",\"artist\":\"X\",\"set_id\":\"s\",\"start_ms\":1,\"end_ms\":2}");

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
            SingleOutputStreamOperator<ScheduleEvent> parsed = SetlistSources.rawEvents(env, stack.config())
                    .process(new SetlistParser());
            parsed.addSink(new SinkFunction<ScheduleEvent>() {
                @Override public void invoke(ScheduleEvent e, Context c) { EVENTS.add(e); }
            });
            parsed.getSideOutput(FrameRouter.DEAD_LETTERS).addSink(new SinkFunction<DeadLetter>() {
                @Override public void invoke(DeadLetter d, Context c) { DEAD.add(d); }
            });
            JobClient job = env.executeAsync("setlist from Kinesis");
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while ((EVENTS.size() < 2 || DEAD.isEmpty()) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(EVENTS).containsExactlyElementsOf(sent);
        assertThat(DEAD).singleElement().satisfies(d -> assertThat(d.getDetail()).contains("track_id"));
    }

    private static void put(LocalStack stack, String stream, String json) {
        stack.kinesis().putRecord(b -> b.streamName(stream).partitionKey("rock")
                .data(SdkBytes.fromString(json, StandardCharsets.UTF_8)));
    }
}
