package dev.crowdemotion.metrics;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink type information of {@link MetricPoint} (registered on the class with {@code @TypeInfo}),
 * so that points travel between operators with a serializer of their own rather than Kryo, whose
 * Java-collection serializers need {@code --add-opens} on Java 17. The format is that of the
 * sink's checkpoint state ({@link MetricPointStateSerializer}): name, dimension count, dimension
 * name/value pairs (modified UTF-8), value, unit, timestamp.
 */
public final class MetricPointTypeInfo extends TypeInformation<MetricPoint> {
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final MetricPointTypeInfo INSTANCE = new MetricPointTypeInfo();

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<MetricPoint> getTypeClass() { return MetricPoint.class; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<MetricPoint> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<MetricPoint> createSerializer(ExecutionConfig config) {
        return Serializer.INSTANCE;
    }

    @Override public String toString() { return "MetricPoint"; }
    @Override public boolean equals(Object o) { return o instanceof MetricPointTypeInfo; }
    @Override public int hashCode() { return MetricPointTypeInfo.class.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof MetricPointTypeInfo; }

    /** Writes a point (the format above). */
    static void write(MetricPoint point, DataOutput out) throws IOException {
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
     * Reads a point written by {@link #write}.
     *
     * @throws IOException if the input is cut short or corrupt
     */
    static MetricPoint read(DataInput in) throws IOException {
        String name = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > PutMetricDataLimits.MAX_DIMENSIONS) {
            throw new IOException("corrupt MetricPoint: " + n + " dimensions");
        }
        Map<String, String> dims = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            dims.put(k, in.readUTF());
        }
        double value = in.readDouble();
        String unit = in.readUTF();
        long ts = in.readLong();
        try {
            return MetricPoint.of(name, dims, value, unit, ts);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt MetricPoint: " + e.getMessage(), e);
        }
    }

    /** The factory {@code @TypeInfo} names. */
    public static final class Factory extends TypeInfoFactory<MetricPoint> {
        @Override
        public TypeInformation<MetricPoint> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    /** The serializer: points are immutable, so copies are the points themselves. */
    public static final class Serializer extends TypeSerializerSingleton<MetricPoint> {
        private static final long serialVersionUID = 1L;
        /** The one instance. */
        public static final Serializer INSTANCE = new Serializer();

        @Override public boolean isImmutableType() { return true; }
        @Override public MetricPoint createInstance() { return MetricPoint.of("_", Map.of(), 0, "None", 0); }
        @Override public MetricPoint copy(MetricPoint from) { return from; }
        @Override public MetricPoint copy(MetricPoint from, MetricPoint reuse) { return from; }
        @Override public int getLength() { return -1; }

        @Override
        public void serialize(MetricPoint point, DataOutputView target) throws IOException {
            write(point, target);
        }

        @Override
        public MetricPoint deserialize(DataInputView source) throws IOException {
            return read(source);
        }

        @Override
        public MetricPoint deserialize(MetricPoint reuse, DataInputView source) throws IOException {
            return read(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            write(read(source), target);
        }

        @Override
        public TypeSerializerSnapshot<MetricPoint> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Serializer snapshot (version 1). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricPoint> {
        /** For Flink's reflection. */
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
