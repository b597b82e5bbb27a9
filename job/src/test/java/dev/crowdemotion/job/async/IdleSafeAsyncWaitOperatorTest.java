package dev.crowdemotion.job.async;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that goes idle while the async operator still has elements in flight: with Flink's
 * own async operator the last watermark is lost and the window never fires; with
 * {@link IdleSafeAsyncWaitOperator} it fires.
 */
class IdleSafeAsyncWaitOperatorTest {
    static final ConcurrentLinkedQueue<String> WINDOWS = new ConcurrentLinkedQueue<>();

    /** Emits capture times 0..3 s and 21 s, then nothing (a camera that stopped). */
    static final class StoppingCamera implements SourceFunction<Long> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            for (long t : new long[] {0, 1_000, 2_000, 3_000, 21_000}) {
                ctx.collect(t);
            }
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Answers after 1.5 s, like a slow or throttled service call. */
    static final class SlowCall extends RichAsyncFunction<Long, Long> {
        @Override
        public void asyncInvoke(Long input, ResultFuture<Long> result) {
            CompletableFuture.runAsync(() -> result.complete(Collections.singletonList(input)),
                    CompletableFuture.delayedExecutor(1_500, TimeUnit.MILLISECONDS));
        }
    }

    private static boolean firstWindowFires(boolean idleSafe) throws Exception {
        WINDOWS.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        DataStream<Long> frames = env.addSource(new StoppingCamera(), Types.LONG)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Long>forMonotonousTimestamps()
                        .withTimestampAssigner((t, ignored) -> t)
                        .withIdleness(Duration.ofMillis(300)));
        DataStream<Long> called = idleSafe
                ? IdleSafeAsyncWaitOperatorFactory.unorderedWait(frames, new SlowCall(), 10_000, 10, Types.LONG, "slow call", true)
                : AsyncDataStream.unorderedWait(frames, new SlowCall(), 10_000, TimeUnit.MILLISECONDS, 10);
        called.windowAll(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
                .process(new ProcessAllWindowFunction<Long, String, TimeWindow>() {
                    @Override
                    public void process(Context ctx, Iterable<Long> elements, Collector<String> out) {
                        long n = 0;
                        for (Long ignored : elements) {
                            n++;
                        }
                        out.collect(ctx.window().getStart() + ":" + n);
                    }
                })
                .addSink(new SinkFunction<String>() {
                    @Override
                    public void invoke(String value, Context context) {
                        WINDOWS.add(value);
                    }
                });
        JobClient job = env.executeAsync();
        try {
            long deadline = System.currentTimeMillis() + 8_000; // the calls take 1.5 s
            while (System.currentTimeMillis() < deadline && WINDOWS.isEmpty()) {
                Thread.sleep(100);
            }
            return !WINDOWS.isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLastWatermarkIsNotOvertakenByIdleness() throws Exception {
        assertThat(firstWindowFires(true)).as("window [0 s, 10 s) fires").isTrue();
        assertThat(WINDOWS).containsExactly("0:4");
    }

    @Test
    void flinksOwnAsyncOperatorLosesIt() throws Exception {
        // documents why IdleSafeAsyncWaitOperator exists; if a Flink upgrade fixes the ordering,
        // this fails and the class can go
        assertThat(firstWindowFires(false)).as("window fires with AsyncWaitOperator").isFalse();
    }
}
