package dev.crowdemotion.local.cloudwatch;

/**
 * One request the CloudWatch stand-in answered, for tests and for checking what the SDK sends.
 *
 * @param action the Query {@code Action} ({@code PutMetricData}, ...), or the method and path of a non-Query request
 * @param datums {@code MetricData} members of a PutMetricData request (0 otherwise)
 * @param wireBytes body bytes as received (compressed, if it was)
 * @param bodyBytes body bytes after decompression
 * @param gzip whether the body came with {@code Content-Encoding: gzip}
 * @param contentType the request's {@code Content-Type}
 * @param status HTTP status answered
 * @param errorCode the error code answered, or {@code null} for a success
 */
public record RequestRecord(String action, int datums, int wireBytes, int bodyBytes, boolean gzip, String contentType,
                            int status, String errorCode) {}
