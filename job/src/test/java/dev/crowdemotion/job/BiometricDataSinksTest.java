package dev.crowdemotion.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.enrichment.FaceBatch;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.LegacySinkTransformation;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Face crops are biometric data: the job as {@code main} defines it ({@link CrowdEmotionJob#define})
 * writes no image to any sink. Every sink of the job graph is listed, with its input's type, and
 * no sink's input type may reach image bytes ({@code byte[]}, {@link ByteBuffer},
 * {@link BufferedImage}, through fields, arrays and collections), for each detector mode, with
 * the setlist and CloudWatch enabled. Crops travel only in memory to DetectFaces (and frames to
 * the SageMaker endpoint); see docs/security.md for where they are held in state.
 */
class BiometricDataSinksTest {
    /** Sinks the job may have, by name; all take image-free records. */
    private static final Set<String> KNOWN_SINKS = Set.of(
            "scores: DynamoDB sink", "performances: DynamoDB sink",
            "business metrics: CloudWatch PutMetricData", "dead letters: Kinesis sink");
    /**
     * The one sink allowed a byte field: dead letters carry the rejected Kinesis record's bytes
     * only with {@code DeadLetters.include.payload=true} (default false), and then only to the
     * dead-letter stream, which is encrypted and expires (retention); see docs/security.md.
     */
    private static final String DEAD_LETTER_SINK = "dead letters: Kinesis sink";

    @ParameterizedTest
    @EnumSource(DetectorMode.class)
    void noSinkTakesImageBytes(DetectorMode mode) throws Exception {
        Map<String, Properties> groups = ApplicationProperties.fromFile(Path.of("..", "config", "local.json").toString());
        groups.get(ConfigKeys.GROUP_DETECTION).setProperty(ConfigKeys.DETECTOR, mode.value());
        groups.computeIfAbsent(ConfigKeys.GROUP_SETLIST, g -> new Properties())
                .setProperty(ConfigKeys.FILE_PATH, Path.of("..", "data", "setlists", "local-demo.jsonl").toString());
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);
        assertThat(config.cloudWatchEnabled()).isTrue();
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());

        CrowdEmotionJob.define(env, config);

        Map<String, TypeInformation<?>> sinks = sinks(env);
        assertThat(sinks.keySet()).as("sinks of the job graph").containsExactlyInAnyOrderElementsOf(KNOWN_SINKS);
        assertThat(config.deadLetterIncludePayload()).as("dead-letter payload by default").isFalse();
        assertThat(imagePath(sinks.get(DEAD_LETTER_SINK))).isEqualTo("DeadLetter.payload");
        sinks.forEach((name, input) -> assertThat(name.equals(DEAD_LETTER_SINK) ? null : imagePath(input))
                .as("sink '%s' takes %s, which carries image bytes at", name, input).isNull());
        // not vacuous: the operators upstream do carry images, and the check finds them
        assertThat(imagePath(FaceCrop.class)).isEqualTo("FaceCrop.jpeg");
        assertThat(imagePath(FaceBatch.class)).isEqualTo("FaceBatch.crops[].jpeg");
        assertThat(imagePath(CameraFrame.class)).isEqualTo("CameraFrame.image");
        assertThat(allInputTypes(env)).anyMatch(t -> imagePath(t) != null);
    }

    @Test
    void imageRecordsPrintTheirSizeNotTheirBytes() throws Exception {
        byte[] jpeg = Files.readAllBytes(Files.walk(Path.of("..", "data", "stages"))
                .filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow());
        CameraFrame frame = new CameraFrame("cam-1", "pop", 1_700_000_000_000L, 7, MediaType.JPEG, jpeg);
        FaceCrop crop = FaceCrop.face("pop", "cam-1", 1_700_000_000_000L, 7, 3, 0, 0.1f, 0.1f, 0.2f, 0.2f, 0.9f, jpeg);
        FaceBatch batch = FaceBatch.of(List.of(crop, crop));
        for (Object o : List.of(frame, crop, batch)) {
            // the dead-letter and failure logs print these records: a size, never the image
            assertThat(o.toString()).as(o.getClass().getSimpleName()).hasSizeLessThan(300)
                    .doesNotContain(new String(jpeg, 0, 16, StandardCharsets.ISO_8859_1))
                    .doesNotContain(Base64.getEncoder().encodeToString(Arrays.copyOf(jpeg, 12)));
        }
        assertThat(crop.toString()).contains(jpeg.length + " B");
    }

    private static Map<String, TypeInformation<?>> sinks(StreamExecutionEnvironment env) {
        Map<String, TypeInformation<?>> out = new LinkedHashMap<>();
        for (Transformation<?> t : all(env)) {
            if (t instanceof SinkTransformation || t instanceof LegacySinkTransformation) {
                assertThat(t.getInputs()).as(t.getName()).hasSize(1);
                out.put(t.getName(), t.getInputs().get(0).getOutputType());
            }
        }
        return out;
    }

    private static Set<Class<?>> allInputTypes(StreamExecutionEnvironment env) {
        Set<Class<?>> out = new HashSet<>();
        for (Transformation<?> t : all(env)) {
            out.add(t.getOutputType().getTypeClass());
        }
        return out;
    }

    private static Set<Transformation<?>> all(StreamExecutionEnvironment env) {
        Set<Transformation<?>> seen = new HashSet<>();
        Deque<Transformation<?>> todo = new ArrayDeque<>(env.getTransformations());
        while (!todo.isEmpty()) {
            Transformation<?> t = todo.pop();
            if (seen.add(t)) {
                todo.addAll(t.getInputs());
                todo.addAll(t.getTransitivePredecessors());
            }
        }
        return seen;
    }

    /** {@link #imagePath(Class)} of a Flink type, and of each field of a composite (tuple, row, POJO) type. */
    static String imagePath(TypeInformation<?> type) {
        String found = imagePath(type.getTypeClass());
        if (found == null && type instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity() && found == null; i++) {
                found = imagePath(composite.getTypeAt(i));
            }
        }
        return found;
    }

    /** The first field path from {@code type} to image bytes, or null if none is reachable. */
    static String imagePath(Class<?> type) {
        return imagePath(type, type.getSimpleName(), new HashSet<>());
    }

    private static String imagePath(Type type, String path, Set<Type> seen) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                String found = imagePath(arg, path + "<>", seen);
                if (found != null) {
                    return found;
                }
            }
            return imagePath(p.getRawType(), path, seen);
        }
        if (!(type instanceof Class<?> c) || !seen.add(c)) {
            return null;
        }
        if (c == byte[].class || ByteBuffer.class.isAssignableFrom(c) || java.awt.Image.class.isAssignableFrom(c)) {
            return path;
        }
        if (c.isArray()) {
            return imagePath(c.getComponentType(), path + "[]", seen);
        }
        if (c.isPrimitive() || c.isEnum() || c.getName().startsWith("java.") || c.getName().startsWith("org.apache.flink.")) {
            return null;
        }
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    String found = imagePath(f.getGenericType(), path + "." + f.getName(), seen);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }
}
