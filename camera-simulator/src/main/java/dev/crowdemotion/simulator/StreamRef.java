package dev.crowdemotion.simulator;

import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

import java.util.Objects;

/** A Kinesis stream named either by name or by ARN (PutRecords accepts both). Immutable. */
public final class StreamRef {
    private final String name;
    private final String arn;

    private StreamRef(String name, String arn) {
        this.name = name;
        this.arn = arn;
    }

    public static StreamRef name(String name) {
        if (name == null || name.isBlank() || name.startsWith("arn:")) {
            throw new IllegalArgumentException("not a stream name: '" + name + "'");
        }
        return new StreamRef(name, null);
    }

    /** @throws IllegalArgumentException if {@code arn} is not a Kinesis stream ARN */
    public static StreamRef arn(String arn) {
        String[] p = arn == null ? new String[0] : arn.split(":", 6);
        if (p.length != 6 || !"arn".equals(p[0]) || !"kinesis".equals(p[2]) || !p[5].startsWith("stream/")
                || p[5].length() == "stream/".length()) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: '" + arn
                    + "' (expected arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
        }
        return new StreamRef(p[5].substring("stream/".length()), arn);
    }

    /** A name, or an ARN if it starts with {@code arn:}. */
    public static StreamRef parse(String nameOrArn) {
        return nameOrArn != null && nameOrArn.startsWith("arn:") ? arn(nameOrArn) : name(nameOrArn);
    }

    /** The stream name (also known when given by ARN). */
    public String streamName() { return name; }

    /** The ARN, or null if given by name. */
    public String streamArn() { return arn; }

    /** The region in the ARN, or null. */
    public String arnRegion() {
        if (arn == null) return null;
        String r = arn.split(":", 6)[3];
        return r.isEmpty() ? null : r;
    }

    /** Sets the stream on a PutRecords request: the ARN if known, else the name. */
    PutRecordsRequest.Builder applyTo(PutRecordsRequest.Builder b) {
        return arn != null ? b.streamARN(arn) : b.streamName(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamRef && Objects.equals(name, ((StreamRef) o).name) && Objects.equals(arn, ((StreamRef) o).arn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, arn);
    }

    @Override
    public String toString() {
        return arn != null ? arn : name;
    }
}
