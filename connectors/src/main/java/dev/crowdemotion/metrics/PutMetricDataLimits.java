package dev.crowdemotion.metrics;

/**
 * The limits of one CloudWatch {@code PutMetricData} request, as the API reference states them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html and
 * its {@code MetricDatum}/{@code Dimension} data types): "Each PutMetricData request is limited
 * to 1 MB in size for HTTP POST requests. You can send a payload compressed by gzip. Each request
 * is also limited to no more than 1000 different metrics"; up to 30 dimensions per metric; values
 * in [-2^360, 2^360], NaN and infinities rejected; metric and dimension names 1-255 characters,
 * dimension values 1-1024 characters.
 *
 * <p>Whether the 1 MB applies before or after gzip is not stated; the sink sizes its requests by
 * the uncompressed form-encoded body, which satisfies either reading.
 */
public final class PutMetricDataLimits {
    private PutMetricDataLimits() {}

    /** Most datums ({@code MetricData} members) in one request. */
    public static final int MAX_DATUMS_PER_REQUEST = 1000;
    /** Most bytes in one request body (1 MB = 1,048,576 bytes). */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    /** Most dimensions of one datum. */
    public static final int MAX_DIMENSIONS = 30;
    /** Longest metric name, dimension name and namespace, characters. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Longest dimension value, characters. */
    public static final int MAX_DIMENSION_VALUE_LENGTH = 1024;
    /** Largest magnitude of a value: 2^360. */
    public static final double MAX_ABS_VALUE = Math.pow(2, 360);
}
