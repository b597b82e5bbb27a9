package dev.crowdemotion.local.bench;

import dev.crowdemotion.job.JobMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the job's own operational metrics (group {@value JobMetrics#GROUP}: DetectFaces attempts,
 * throttles, retries, images, sampled-out faces, the pacer backlog gauge...) in-process: a Flink
 * {@link MetricReporter} that keeps a reference to every metric of that group, so the harness can
 * read counters and gauges directly while and after the job runs.
 *
 * <p>Flink finds reporter factories with {@code ServiceLoader} on the thread context class
 * loader when the mini-cluster starts. So that the benchmark needs no resource file outside its
 * package, {@link #withReporter} runs the job submission with a context class loader that adds
 * a generated {@code META-INF/services} entry for {@link Factory}; {@link #configure} adds the
 * reporter to the Flink configuration. If the reporter cannot be loaded, the job still runs and
 * the job metrics read as -1.
 */
final class MetricsCapture {
    private static final String SERVICE = "META-INF/services/" + MetricReporterFactory.class.getName();
    private static final Map<String, List<Metric>> METRICS = new ConcurrentHashMap<>();

    private MetricsCapture() {}

    /** Adds the capturing reporter to a mini-cluster configuration. */
    static void configure(Configuration flink) {
        flink.setString("metrics.reporter.bench.factory.class", Factory.class.getName());
    }

    /** Forgets the metrics of earlier jobs. */
    static void clear() {
        METRICS.clear();
    }

    /** Whether any job metric was captured. */
    static boolean captured() {
        return !METRICS.isEmpty();
    }

    /** Sum of the counters of that name over all subtasks, or -1 if none was registered. */
    static long counter(String name) {
        List<Metric> list = METRICS.get(name);
        if (list == null) {
            return -1;
        }
        long sum = 0;
        for (Metric m : list) {
            if (m instanceof Counter) {
                sum += ((Counter) m).getCount();
            }
        }
        return sum;
    }

    /** Sum of the numeric gauges of that name over all subtasks, or -1 if none was registered. */
    static double gauge(String name) {
        List<Metric> list = METRICS.get(name);
        if (list == null) {
            return -1;
        }
        double sum = 0;
        for (Metric m : list) {
            if (m instanceof Gauge) {
                Object v = ((Gauge<?>) m).getValue();
                if (v instanceof Number) {
                    sum += ((Number) v).doubleValue();
                }
            }
        }
        return sum;
    }

    /** Runs {@code submit} (which starts a mini-cluster) with the reporter's factory visible to ServiceLoader. */
    static <T> T withReporter(Path workDir, Callable<T> submit) throws Exception {
        Path dir = workDir.resolve("metrics-reporter-service");
        Path file = dir.resolve(SERVICE);
        Files.createDirectories(file.getParent());
        Files.write(file, (Factory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, MetricsCapture.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return submit.call();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Creates {@link Reporter}s. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }

    /** Keeps every metric of the {@value JobMetrics#GROUP} group, by name. */
    public static final class Reporter implements MetricReporter {
        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (Arrays.asList(group.getScopeComponents()).contains(JobMetrics.GROUP)) {
                METRICS.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(metric);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept on purpose: the harness reads the final values after the job has finished
        }
    }
}
