package dev.crowdemotion.metrics;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.SdkClientConfiguration;
import software.amazon.awssdk.core.client.config.SdkClientOption;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.protocols.query.AwsQueryProtocolFactory;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.transform.PutMetricDataRequestMarshaller;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link MetricPoint}: validation, the size bound against the SDK's own Query encoding, checkpoint state. */
class CloudWatchMetricPointTest {
    private static final long T = 1_763_769_600_123L;

    /**
     * The body the SDK 2.31.78 sends for a PutMetricData request (before compression): its Query
     * marshaller's parameters, form-encoded as its {@code QueryParametersToBodyStage} does.
     */
    private static byte[] marshalled(String namespace, List<MetricPoint> points) throws IOException {
        AwsQueryProtocolFactory factory = AwsQueryProtocolFactory.builder()
                .clientConfiguration(SdkClientConfiguration.builder()
                        .option(SdkClientOption.ENDPOINT, URI.create("https://monitoring.us-east-1.amazonaws.com")).build())
                .build();
        PutMetricDataRequest request = PutMetricDataRequest.builder().namespace(namespace)
                .metricData(points.stream().map(MetricPoint::toDatum).toArray(software.amazon.awssdk.services.cloudwatch.model.MetricDatum[]::new))
                .build();
        SdkHttpFullRequest http = new PutMetricDataRequestMarshaller(factory).marshall(request);
        // what the SDK's QueryParametersToBodyStage then sends as the body
        return http.encodedQueryParametersAsFormData().orElseThrow().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void theSizeBoundIsAnUpperBoundOfTheSdksEncodingAndATightOne() throws IOException {
        List<MetricPoint> points = new ArrayList<>();
        points.add(MetricPoint.of("Energy", dims("Stage", "rock"), 61.5, StandardUnit.NONE, T));
        points.add(MetricPoint.of("Energy", dims("Stage", "main stage / nord", "Emotion", "HAPPY"), -2.3456789012345678E-300,
                StandardUnit.PERCENT, T));
        points.add(MetricPoint.of("Énergie ✓", dims("Bühne", "Zelt & Wiese=1+1", "x", "~._-"), 1e-300, "Count/Second", 0));
        for (int i = 0; i < 997; i++) {
            points.add(MetricPoint.of("EmotionConfidence", dims("Stage", "stage-" + i, "Emotion", "SURPRISED"), i * 0.37,
                    StandardUnit.PERCENT, T + i));
        }
        byte[] body = marshalled("CrowdEmotion", points);
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).startsWith("Action=PutMetricData&Version=2010-08-01&Namespace=CrowdEmotion&MetricData.member.1.");
        long bound = QueryEncoding.requestOverhead("CrowdEmotion") + points.stream().mapToLong(MetricPoint::encodedSizeBound).sum();
        assertThat(bound).as("bound for 1000 datums").isGreaterThanOrEqualTo(body.length);
        assertThat((double) bound / body.length).as("and not far above").isLessThan(1.25);

        // every single point too, at index 1 (the shortest prefix) the bound holds
        for (MetricPoint p : points.subList(0, 3)) {
            long single = marshalled("CrowdEmotion", List.of(p)).length;
            assertThat(QueryEncoding.requestOverhead("CrowdEmotion") + p.encodedSizeBound()).isGreaterThanOrEqualTo(single);
        }
    }

    @Test
    void theLargestPointsStillFitAFewToARequest() throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            d.put("Dimension" + i + "x".repeat(240), "é".repeat(1024));
        }
        MetricPoint big = MetricPoint.of("M".repeat(255), d, 1, StandardUnit.NONE, T);
        byte[] body = marshalled("CrowdEmotion", Collections.nCopies(3, big));
        assertThat(QueryEncoding.requestOverhead("CrowdEmotion") + 3 * big.encodedSizeBound()).isGreaterThanOrEqualTo(body.length);
        assertThat(big.encodedSizeBound()).as("well below one request").isLessThan(PutMetricDataLimits.MAX_REQUEST_BYTES / 4);
    }

    @Test
    void invalidPointsAreRefusedOnConstruction() {
        assertThatThrownBy(() -> MetricPoint.of("", dims(), 1, StandardUnit.NONE, T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("x".repeat(256), dims(), 1, StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims("Stage", ""), 1, StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims("Stage", "x".repeat(1025)), 1, StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 31; i++) {
            many.put("d" + i, "v");
        }
        assertThatThrownBy(() -> MetricPoint.of("E", many, 1, StandardUnit.NONE, T)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims(), Double.NaN, StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims(), Double.POSITIVE_INFINITY, StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims(), Math.pow(2, 361), StandardUnit.NONE, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricPoint.of("E", dims(), 1, "Furlongs", T)).isInstanceOf(IllegalArgumentException.class);
        MetricPoint p = MetricPoint.of("E", dims("Stage", "rock", "Emotion", "CALM"), 2.5, "Percent", T);
        assertThat(p.dimensions()).containsExactly(Map.entry("Stage", "rock"), Map.entry("Emotion", "CALM"));
        assertThat(p.dimension("Emotion")).isEqualTo("CALM");
        assertThat(p.toDatum().timestamp().toEpochMilli()).isEqualTo(T);
        assertThat(p.toDatum().unitAsString()).isEqualTo("Percent");
    }

    @Test
    void bufferedPointsSurviveTheCheckpointFormat() throws IOException {
        MetricPointStateSerializer serializer = new MetricPointStateSerializer();
        List<RequestEntryWrapper<MetricPoint>> entries = new ArrayList<>();
        MetricPoint a = MetricPoint.of("Energy", dims("Stage", "rock"), 61.5, StandardUnit.NONE, T);
        MetricPoint b = MetricPoint.of("EmotionShare", dims("Stage", "pöp", "Emotion", "HAPPY"), 0.25, StandardUnit.NONE, T + 1);
        entries.add(new RequestEntryWrapper<>(a, a.encodedSizeBound()));
        entries.add(new RequestEntryWrapper<>(b, b.encodedSizeBound()));
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(entries));
        BufferedRequestState<MetricPoint> back = serializer.deserialize(serializer.getVersion(), bytes);
        assertThat(back.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry).containsExactly(a, b);
        assertThat(back.getBufferedRequestEntries().get(1).getRequestEntry().dimensions().keySet())
                .containsExactly("Stage", "Emotion");
    }

    @Test
    void flinkUsesTheOwnSerializerNotKryo() throws IOException {
        TypeInformation<MetricPoint> info = TypeInformation.of(MetricPoint.class);
        assertThat(info).isInstanceOf(MetricPointTypeInfo.class);
        TypeSerializer<MetricPoint> serializer = info.createSerializer(new SerializerConfigImpl());
        MetricPoint p = MetricPoint.of("EmotionShare", dims("Stage", "pöp", "Emotion", "HAPPY"), 0.25, StandardUnit.NONE, T);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(p, out);
        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(p);
        assertThat(serializer.snapshotConfiguration().restoreSerializer()).isSameAs(serializer);
    }
}
