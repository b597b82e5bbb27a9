package dev.crowdemotion.metrics;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serializes the points buffered in a {@link CloudWatchSink} writer for checkpoints. Version 1:
 * name, dimension count and name/value pairs (modified UTF-8), value, unit, timestamp.
 */
public final class MetricPointStateSerializer extends AsyncSinkWriterStateSerializer<MetricPoint> {
    /** Current format version. */
    public static final int VERSION = 1;

    @Override
    protected void serializeRequestToStream(MetricPoint point, DataOutputStream out) throws IOException {
        MetricPointTypeInfo.write(point, out);
    }

    /**
     * @throws IOException if the stream is cut short or holds a point that is no longer valid
     */
    @Override
    protected MetricPoint deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        return MetricPointTypeInfo.read(in);
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
