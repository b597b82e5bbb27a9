package dev.crowdemotion.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrowdEmotionConfigTest {
    @Test
    void readsPropertyGroupFileWithDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.json");
        Files.writeString(file, "[{\"PropertyGroupId\":\"FrameSource\",\"PropertyMap\":{"
                + "\"stream.arn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/frames\","
                + "\"aws.region\":\"us-east-1\",\"initial.position\":\"TRIM_HORIZON\"}},"
                + "{\"PropertyGroupId\":\"Aggregation\",\"PropertyMap\":{\"window.size.ms\":\"5000\"}}]");
        CrowdEmotionConfig c = new CrowdEmotionConfig(ApplicationProperties.load(new String[] {"--config", file.toString()}));
        assertThat(c.streamArn()).endsWith("stream/frames");
        assertThat(c.initialPosition()).isEqualTo("TRIM_HORIZON");
        assertThat(c.windowSizeMs()).isEqualTo(5000);
        assertThat(c.maxOutOfOrdernessMs()).isEqualTo(ConfigKeys.DEFAULT_MAX_OUT_OF_ORDERNESS_MS);
        assertThat(c.tableName()).isEqualTo(ConfigKeys.DEFAULT_TABLE_NAME);
        assertThat(c.group("FrameSource").getProperty("aws.region")).isEqualTo("us-east-1");
    }

    @Test
    void theShippedLocalConfigIsValid() throws Exception {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (!Files.exists(p.resolve("config/local.json"))) {
            p = p.getParent();
        }
        CrowdEmotionConfig c = new CrowdEmotionConfig(ApplicationProperties.fromFile(p.resolve("config/local.json").toString()));
        assertThat(c.detectorMode()).isEqualTo(DetectorMode.EMBEDDED);
    }

    @Test
    void rejectsMissingStreamAndBadValues() {
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of()))
                .hasMessageContaining("FrameSource.stream.arn");
        Properties src = new Properties();
        src.setProperty("stream.arn", "arn:x");
        Properties agg = new Properties();
        agg.setProperty("window.size.ms", "ten seconds");
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of("FrameSource", src, "Aggregation", agg)))
                .hasMessageContaining("Aggregation.window.size.ms");
    }

    @Test
    void deadLettersGoToAStreamOrADirectoryWithoutPayloadByDefault() {
        Properties src = new Properties();
        src.setProperty("stream.arn", "arn:x");
        CrowdEmotionConfig none = new CrowdEmotionConfig(Map.of("FrameSource", src));
        assertThat(none.deadLetterStreamArn()).isNull();
        assertThat(none.deadLetterFilePath()).isNull();
        assertThat(none.deadLetterIncludePayload()).isFalse();
        Properties dl = new Properties();
        dl.setProperty("stream.arn", "arn:aws:kinesis:eu-west-1:1:stream/dl");
        dl.setProperty("aws.region", "eu-west-1");
        CrowdEmotionConfig stream = new CrowdEmotionConfig(Map.of("FrameSource", src, "DeadLetters", dl));
        assertThat(stream.deadLetterStreamArn()).endsWith("stream/dl");
        assertThat(stream.deadLetterIncludePayload()).isFalse();
        assertThat(stream.awsProperties("DeadLetters")).containsOnlyKeys("aws.region");
        dl.setProperty("include.payload", "true");
        assertThat(new CrowdEmotionConfig(Map.of("FrameSource", src, "DeadLetters", dl)).deadLetterIncludePayload()).isTrue();
        dl.setProperty("file.path", "/tmp/dl");
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of("FrameSource", src, "DeadLetters", dl)))
                .hasMessageContaining("DeadLetters: set stream.arn or file.path, not both");
    }

    @Test
    void detectorModesAndTheSageMakerGroup() {
        Properties src = new Properties();
        src.setProperty("stream.arn", "arn:x");
        Properties det = new Properties();
        assertThat(new CrowdEmotionConfig(Map.of("FrameSource", src)).detectorMode()).isEqualTo(DetectorMode.EMBEDDED);
        det.setProperty("detector", "Edge");
        assertThat(new CrowdEmotionConfig(Map.of("FrameSource", src, "Detection", det)).detectorMode())
                .isEqualTo(DetectorMode.EDGE);
        det.setProperty("detector", "cloud");
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of("FrameSource", src, "Detection", det)))
                .hasMessageContaining("Detection.detector must be embedded, sagemaker or edge, not 'cloud'");
        det.setProperty("detector", "sagemaker");
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of("FrameSource", src, "Detection", det)))
                .hasMessageContaining("SageMaker.endpoint.name");
        Properties sm = new Properties();
        sm.setProperty("endpoint.name", "crowd-emotion-blazeface");
        sm.setProperty("max.tps", "8");
        CrowdEmotionConfig c = new CrowdEmotionConfig(Map.of("FrameSource", src, "Detection", det, "SageMaker", sm));
        assertThat(c.sageMakerEndpointName()).isEqualTo("crowd-emotion-blazeface");
        // ceil(8 / 2 x (1 s + 2 x 0.25 s)) + 2 = 8 frames in flight per instance at parallelism 2
        assertThat(c.sageMakerAsyncCapacity(2)).isEqualTo(8);
        sm.setProperty("max.tps", "0");
        assertThatThrownBy(() -> new CrowdEmotionConfig(Map.of("FrameSource", src, "Detection", det, "SageMaker", sm)))
                .hasMessageContaining("SageMaker: max.tps");
    }
}
