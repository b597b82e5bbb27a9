package dev.crowdemotion.job.metrics;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.metrics.CloudWatchSink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Runs a job on a Flink mini-cluster with a metric reporter that keeps the counters of the
 * {@value CloudWatchSink#METRIC_GROUP} group (the mini-cluster closes its reporters when the job
 * ends, so the reporter keeps them in a static map the tests read afterwards); and sets the dummy
 * credentials the SDK's default chain picks up. One job at a time.
 */
final class CloudWatchMiniCluster {
    private static final Map<String, List<Counter>> COUNTERS = new ConcurrentHashMap<>();

    CloudWatchMiniCluster() {
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
    }

    /** Builds the job on a local environment of {@code parallelism} and runs it to the end. */
    CloudWatchMiniCluster run(int parallelism, Consumer<StreamExecutionEnvironment> job) throws Exception {
        COUNTERS.clear();
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.cwtest.factory.class", Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        job.accept(env);
        env.execute();
        return this;
    }

    /** Sum of the counters named {@code name} over all subtasks of the last job; -1 if none was registered. */
    long counter(String name) {
        List<Counter> counters = COUNTERS.get(name);
        return counters == null ? -1 : counters.stream().mapToLong(Counter::getCount).sum();
    }

    /** Creates {@link Reporter}s (listed in META-INF/services for Flink's ServiceLoader). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }

    /** Keeps the counters of the {@value CloudWatchSink#METRIC_GROUP} group, by name. */
    public static final class Reporter implements MetricReporter {
        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (metric instanceof Counter && Arrays.asList(group.getScopeComponents()).contains(CloudWatchSink.METRIC_GROUP)) {
                COUNTERS.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add((Counter) metric);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept: read after the job
        }
    }
}
