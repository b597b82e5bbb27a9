package dev.crowdemotion.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local configuration file is in MSF's own format: Amazon's runtime library, which reads
 * the application's property groups on MSF, reads {@code config/local.json} into the same groups
 * and keys as {@link ApplicationProperties} does.
 */
class ApplicationPropertiesTest {
    private static final Path LOCAL = Path.of("..", "config", "local.json");

    @Test
    void localConfigReadsTheSameThroughMsfsRuntimeLibrary() throws Exception {
        Map<String, Properties> ours = ApplicationProperties.fromFile(LOCAL.toString());
        Map<String, Properties> msf = KinesisAnalyticsRuntime.getApplicationProperties(LOCAL.toString());

        assertThat(ours).isEqualTo(msf);
        assertThat(ours).containsKeys(ConfigKeys.GROUP_FRAME_SOURCE, ConfigKeys.GROUP_SCORES_SINK);
        assertThat(new CrowdEmotionConfig(msf).streamArn()).endsWith(":stream/crowd-emotion-frames");
    }

    @Test
    void configArgumentWinsAndMustNameAFile(@TempDir Path dir) {
        assertThat(ApplicationProperties.load(new String[] {"--config", LOCAL.toString()}))
                .containsKey(ConfigKeys.GROUP_DETECTION);
        assertThatThrownBy(() -> ApplicationProperties.load(new String[] {"--config", dir.resolve("nope.json").toString()}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> ApplicationProperties.load(new String[] {"--config"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedFileIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"PropertyGroupId\": \"x\"}");
        assertThatThrownBy(() -> ApplicationProperties.fromFile(bad.toString()))
                .hasMessageContaining("bad.json");
    }
}
