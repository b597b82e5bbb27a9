package dev.crowdemotion.local.cloudwatch;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A metric the CloudWatch stand-in holds: CloudWatch identifies a metric by namespace, name and
 * the set of its dimensions (their order does not matter), and keeps every datapoint.
 *
 * @param namespace namespace
 * @param metricName metric name
 * @param dimensions dimension name to value, sorted by name
 * @param datapoints the accepted datapoints, in timestamp order (arrival order for equal timestamps)
 */
public record MetricSeries(String namespace, String metricName, SortedMap<String, String> dimensions,
                           List<Datapoint> datapoints) {
    /** Copies the dimensions (sorted) and the datapoints. */
    public MetricSeries {
        dimensions = new TreeMap<>(dimensions);
        datapoints = List.copyOf(datapoints);
    }

    /** Whether this series has exactly these dimensions (as a set). */
    public boolean hasDimensions(Map<String, String> dims) {
        return dimensions.equals(new TreeMap<>(dims));
    }
}
