package dev.crowdemotion.job;

import dev.crowdemotion.deadletter.DeadLetter;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The operator in front of the dead-letter sink: logs every dead letter (WARN, without its
 * payload) and counts it in the counter {@value JobMetrics#DEAD_LETTERS_BY_REASON} of the
 * metric group {@value JobMetrics#GROUP} → {@code step} = step → {@code reason} = reason
 * (key/value groups, which MSF publishes as the CloudWatch dimensions {@code step} and
 * {@code reason}). Reasons are the job's fixed codes, so the number of counters is bounded.
 */
public class DeadLetterCounts extends RichMapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterCounts.class);

    private transient Map<String, Counter> counters;

    @Override
    public DeadLetter map(DeadLetter d) {
        if (counters == null) {
            counters = new HashMap<>();
        }
        String step = d.getStep() == null ? "UNKNOWN" : d.getStep().name();
        String reason = d.getReason() == null ? "UNKNOWN" : d.getReason();
        counters.computeIfAbsent(step + "/" + reason, k -> counter(getRuntimeContext().getMetricGroup(), step, reason)).inc();
        LOG.warn("dead letter: {}", d);
        return d;
    }

    /** The per-step-and-reason counter under {@code group}. */
    static Counter counter(MetricGroup operatorGroup, String step, String reason) {
        return operatorGroup.addGroup(JobMetrics.GROUP).addGroup("step", step).addGroup("reason", reason)
                .counter(JobMetrics.DEAD_LETTERS_BY_REASON);
    }
}
