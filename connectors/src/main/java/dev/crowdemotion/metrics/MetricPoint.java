package dev.crowdemotion.metrics;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One CloudWatch datapoint to publish: metric name, dimensions (in the order given), value, unit
 * and timestamp. The request entry of {@link CloudWatchSink}: immutable and {@link Serializable},
 * so that the sink can checkpoint the points it has not yet published. The namespace is the
 * sink's, not the point's.
 *
 * <p>Validated on construction against {@link PutMetricDataLimits} (names, dimension count and
 * lengths, finite value within +-2^360, a CloudWatch {@link StandardUnit}), so a point can never
 * be rejected by CloudWatch for its shape; the timestamp is not checked here (CloudWatch rejects
 * timestamps older than two weeks or more than two hours ahead, and the sink counts such points
 * as rejected). Between Flink operators points use {@link MetricPointTypeInfo}'s serializer.
 */
@TypeInfo(MetricPointTypeInfo.Factory.class)
public final class MetricPoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String[] dimensionNames;
    private final String[] dimensionValues;
    private final double value;
    private final String unit;
    private final long timestampMs;

    private MetricPoint(String name, String[] dimensionNames, String[] dimensionValues, double value, String unit,
                        long timestampMs) {
        this.name = name;
        this.dimensionNames = dimensionNames;
        this.dimensionValues = dimensionValues;
        this.value = value;
        this.unit = unit;
        this.timestampMs = timestampMs;
    }

    /**
     * @param name metric name, 1-255 characters
     * @param dimensions dimension name to value, at most 30, names 1-255 and values 1-1024 characters; kept in iteration order
     * @param value finite, magnitude at most 2^360
     * @param unit a CloudWatch standard unit, e.g. {@code Count}, {@code Percent}, {@code None}
     * @param timestampMs epoch milliseconds UTC
     * @throws IllegalArgumentException if any of the above does not hold
     */
    public static MetricPoint of(String name, Map<String, String> dimensions, double value, StandardUnit unit,
                                 long timestampMs) {
        Objects.requireNonNull(unit, "unit");
        return of(name, dimensions, value, unit.toString(), timestampMs);
    }

    /**
     * As {@link #of(String, Map, double, StandardUnit, long)} with the unit's name.
     *
     * @throws IllegalArgumentException also if {@code unit} is not a CloudWatch standard unit
     */
    public static MetricPoint of(String name, Map<String, String> dimensions, double value, String unit,
                                 long timestampMs) {
        checkName("metric name", name);
        Objects.requireNonNull(dimensions, "dimensions");
        if (dimensions.size() > PutMetricDataLimits.MAX_DIMENSIONS) {
            throw new IllegalArgumentException(name + ": " + dimensions.size() + " dimensions, at most "
                    + PutMetricDataLimits.MAX_DIMENSIONS);
        }
        String[] names = new String[dimensions.size()];
        String[] values = new String[dimensions.size()];
        int i = 0;
        for (Map.Entry<String, String> d : dimensions.entrySet()) {
            checkName("dimension name", d.getKey());
            String v = d.getValue();
            if (v == null || v.isEmpty() || v.length() > PutMetricDataLimits.MAX_DIMENSION_VALUE_LENGTH) {
                throw new IllegalArgumentException(name + ": dimension " + d.getKey() + " must have a value of 1-"
                        + PutMetricDataLimits.MAX_DIMENSION_VALUE_LENGTH + " characters, got " + v);
            }
            names[i] = d.getKey();
            values[i] = v;
            i++;
        }
        if (!Double.isFinite(value) || Math.abs(value) > PutMetricDataLimits.MAX_ABS_VALUE) {
            throw new IllegalArgumentException(name + ": value " + value + " is not finite within +-2^360");
        }
        if (unit == null || StandardUnit.fromValue(unit) == StandardUnit.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException(name + ": not a CloudWatch unit: " + unit);
        }
        return new MetricPoint(name, names, values, value, unit, timestampMs);
    }

    private static void checkName(String what, String s) {
        if (s == null || s.isEmpty() || s.length() > PutMetricDataLimits.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + PutMetricDataLimits.MAX_NAME_LENGTH
                    + " characters, got " + s);
        }
    }

    /** Metric name. */
    public String name() { return name; }

    /** Dimensions, name to value, in the order given. */
    public Map<String, String> dimensions() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < dimensionNames.length; i++) {
            m.put(dimensionNames[i], dimensionValues[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The value of one dimension, or {@code null}. */
    public String dimension(String dimensionName) {
        for (int i = 0; i < dimensionNames.length; i++) {
            if (dimensionNames[i].equals(dimensionName)) {
                return dimensionValues[i];
            }
        }
        return null;
    }

    /** The value, in {@link #unit()}. */
    public double value() { return value; }

    /** CloudWatch standard unit name, e.g. {@code Count}. */
    public String unit() { return unit; }

    /** Timestamp, epoch milliseconds UTC. */
    public long timestampMs() { return timestampMs; }

    /** The SDK datum of this point. */
    public MetricDatum toDatum() {
        List<Dimension> dims = new ArrayList<>(dimensionNames.length);
        for (int i = 0; i < dimensionNames.length; i++) {
            dims.add(Dimension.builder().name(dimensionNames[i]).value(dimensionValues[i]).build());
        }
        return MetricDatum.builder().metricName(name).dimensions(dims).value(value).unit(unit)
                .timestamp(Instant.ofEpochMilli(timestampMs)).build();
    }

    /**
     * An upper bound of the bytes this point adds to a {@code PutMetricData} body in the AWS Query
     * form encoding the SDK sends ({@code &MetricData.member.N.MetricName=...}), for any member
     * index up to {@link PutMetricDataLimits#MAX_DATUMS_PER_REQUEST}: names and dimension values
     * percent-encoded as the SDK encodes them (RFC 3986: unreserved characters as they are, every
     * other UTF-8 byte as {@code %XX}), the value and timestamp at their longest forms.
     */
    public long encodedSizeBound() {
        long size = QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, "MetricName", QueryEncoding.encodedLength(name));
        for (int i = 0; i < dimensionNames.length; i++) {
            String prefix = "Dimensions.member." + (i + 1) + ".";
            size += QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, prefix + "Name",
                    QueryEncoding.encodedLength(dimensionNames[i]));
            size += QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, prefix + "Value",
                    QueryEncoding.encodedLength(dimensionValues[i]));
        }
        size += QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, "Timestamp", QueryEncoding.MAX_TIMESTAMP_LENGTH);
        size += QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, "Value", QueryEncoding.MAX_DOUBLE_LENGTH);
        size += QueryEncoding.param(QueryEncoding.DATUM_PREFIX_MAX, "Unit", QueryEncoding.encodedLength(unit));
        return size;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof MetricPoint)) return false;
        MetricPoint p = (MetricPoint) o;
        return Double.compare(value, p.value) == 0 && timestampMs == p.timestampMs && name.equals(p.name)
                && Arrays.equals(dimensionNames, p.dimensionNames) && Arrays.equals(dimensionValues, p.dimensionValues)
                && unit.equals(p.unit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dimensionValues), value, timestampMs);
    }

    @Override
    public String toString() {
        return name + dimensions() + "=" + value + " " + unit + " @" + Instant.ofEpochMilli(timestampMs);
    }
}
