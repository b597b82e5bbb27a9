package dev.crowdemotion.job.metrics;

import dev.crowdemotion.metrics.MetricPoint;
import dev.crowdemotion.metrics.ScoreMetrics;
import dev.crowdemotion.metrics.StageCardinalityCap;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StageCardinalityCap} in Flink's operator test harness: the admitted stages are operator
 * state, so after a restore from a snapshot every stage keeps the label it had.
 */
class CloudWatchStageCapTest {
    private static final long W = 1_763_769_600_000L;

    private static OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> harness(int maxStages) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new StageCardinalityCap(maxStages)));
    }

    /** The Stage label each input stage came out with, in order. */
    private static Set<String> labels(OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h) {
        return h.extractOutputValues().stream().filter(p -> p.name().equals(ScoreMetrics.FRAMES_SEEN))
                .map(p -> p.dimension(ScoreMetrics.STAGE)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void feed(OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h, String... stages)
            throws Exception {
        for (String s : stages) {
            h.processElement(new StreamRecord<>(CloudWatchBusinessMetricsTest.score(s, W, 10, 2, 2, 70)));
        }
    }

    @Test
    void aRestoredCapKeepsTheSameMapping() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h = harness(2)) {
            h.open();
            feed(h, "rock", "pop", "jazz");
            assertThat(labels(h)).containsExactly("rock", "pop", "other");
            snapshot = h.snapshot(1, W);
        }

        // restored: jazz arrives first this time, and still is "other"; rock and pop keep their names
        try (OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h = harness(2)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, "jazz", "folk", "pop", "rock");
            List<String> out = h.extractOutputValues().stream().filter(p -> p.name().equals(ScoreMetrics.FRAMES_SEEN))
                    .map(p -> p.dimension(ScoreMetrics.STAGE)).collect(Collectors.toList());
            assertThat(out).containsExactly("other", "other", "pop", "rock");
        }

        // without the state, the first stages seen would be admitted instead
        try (OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h = harness(2)) {
            h.open();
            feed(h, "jazz", "folk", "pop");
            assertThat(labels(h)).containsExactly("jazz", "folk", "other");
        }

        // max.stages lowered between runs: the first admitted stage keeps its name
        try (OneInputStreamOperatorTestHarness<StageWindowScore, MetricPoint> h = harness(1)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, "pop", "rock");
            List<String> out = h.extractOutputValues().stream().filter(p -> p.name().equals(ScoreMetrics.FRAMES_SEEN))
                    .map(p -> p.dimension(ScoreMetrics.STAGE)).collect(Collectors.toList());
            assertThat(out).containsExactly("other", "rock");
        }
    }
}
