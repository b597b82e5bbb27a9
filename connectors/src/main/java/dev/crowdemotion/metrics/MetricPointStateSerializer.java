package dev.crowdemotion.metrics;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serializes the points buffered in a {@link CloudWatchSink} writer for checkpoints. Version 1:
 * name, dimension count and name/value pairs (modified UTF-8), value, unit, timestamp.
 */
public final class MetricPointStateSerializer extends AsyncSinkWriterStateSerializer<MetricPoint> {
    /** Current format version. */
    public static final int VERSION = 1;

    @Override
    protected void serializeRequestToStream(MetricPoint point, DataOutputStream out) throws IOException {
        out.writeUTF(point.name());
        Map<String, String> dims = point.dimensions();
        out.writeInt(dims.size());
        for (Map.Entry<String, String> d : dims.entrySet()) {
            out.writeUTF(d.getKey());
            out.writeUTF(d.getValue());
        }
        out.writeDouble(point.value());
        out.writeUTF(point.unit());
        out.writeLong(point.timestampMs());
    }

    /**
     * @throws IOException if the stream is cut short
     * @throws IllegalArgumentException if the stored point is no longer valid
     */
    @Override
    protected MetricPoint deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String name = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > PutMetricDataLimits.MAX_DIMENSIONS) {
            throw new IOException("corrupt state: " + n + " dimensions");
        }
        Map<String, String> dims = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            dims.put(k, in.readUTF());
        }
        double value = in.readDouble();
        String unit = in.readUTF();
        long ts = in.readLong();
        return MetricPoint.of(name, dims, value, unit, ts);
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
