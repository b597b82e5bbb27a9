package dev.crowdemotion.setup;

/** Kinesis stream ARNs: {@code arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME}. */
public final class StreamArns {
    private StreamArns() {}

    /** Whether {@code s} looks like an ARN (starts with {@code arn:}). */
    public static boolean isArn(String s) {
        return s != null && s.startsWith("arn:");
    }

    /** @throws IllegalArgumentException if {@code arn} is not a Kinesis stream ARN */
    public static String streamName(String arn) {
        return parts(arn)[5].substring("stream/".length());
    }

    /** @throws IllegalArgumentException if {@code arn} is not a Kinesis stream ARN */
    public static String region(String arn) {
        String r = parts(arn)[3];
        return r.isEmpty() ? null : r;
    }

    private static String[] parts(String arn) {
        String[] p = arn == null ? new String[0] : arn.split(":", 6);
        if (p.length != 6 || !"arn".equals(p[0]) || !"kinesis".equals(p[2]) || !p[5].startsWith("stream/")
                || p[5].length() == "stream/".length()) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: '" + arn
                    + "' (expected arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
        }
        return p;
    }
}
