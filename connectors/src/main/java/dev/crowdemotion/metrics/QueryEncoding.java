package dev.crowdemotion.metrics;

import java.nio.charset.StandardCharsets;

/**
 * Sizes of the AWS Query form encoding ({@code application/x-www-form-urlencoded}) that the SDK
 * v2 uses for CloudWatch: {@code Action=PutMetricData&Version=2010-08-01&Namespace=...} followed
 * by {@code &MetricData.member.N.<field>=<value>} for every field of every datum, values
 * percent-encoded as RFC 3986 (the SDK's {@code SdkHttpUtils.urlEncode}).
 */
final class QueryEncoding {
    private QueryEncoding() {}

    /** {@code MetricData.member.1000.}: the longest datum prefix within a request's 1000 datums. */
    static final String DATUM_PREFIX_MAX = "MetricData.member." + PutMetricDataLimits.MAX_DATUMS_PER_REQUEST + ".";
    /**
     * Longest encoded timestamp: ISO 8601 with milliseconds, {@code 2025-11-22T00:00:00.123Z}, 24
     * characters, the two colons as {@code %3A}; rounded up to 32.
     */
    static final int MAX_TIMESTAMP_LENGTH = 32;
    /** Longest {@link Double#toString(double)}, e.g. {@code -1.7976931348623157E308} (23); rounded up to 26. */
    static final int MAX_DOUBLE_LENGTH = 26;

    /** Bytes of {@code &<prefix><key>=<value>} with a value of {@code valueLength} encoded bytes. */
    static long param(String prefix, String key, long valueLength) {
        return 1 + prefix.length() + key.length() + 1 + valueLength;
    }

    /**
     * Bytes of the fixed part of a request: {@code Action=PutMetricData&Version=2010-08-01&Namespace=<namespace>}.
     */
    static long requestOverhead(String namespace) {
        return "Action=PutMetricData&Version=2010-08-01&Namespace=".length() + encodedLength(namespace);
    }

    /** Length of {@code s} percent-encoded as RFC 3986: unreserved ASCII as is, every other UTF-8 byte as 3. */
    static long encodedLength(String s) {
        long n = 0;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            n += unreserved(b) ? 1 : 3;
        }
        return n;
    }

    private static boolean unreserved(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '_' || b == '.' || b == '~';
    }
}
