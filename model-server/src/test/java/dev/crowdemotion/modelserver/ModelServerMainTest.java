package dev.crowdemotion.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ModelServerMainTest {
    private static ModelServerMain parse(String... args) {
        ModelServerMain m = new ModelServerMain();
        new CommandLine(m).parseArgs(args);
        return m;
    }

    @Test
    void defaultsAreLocalhost8080AndTheDetectorsMinScore() {
        ModelServerMain m = parse();
        assertThat(m.host).isEqualTo("127.0.0.1");
        assertThat(m.effectivePort(null)).isEqualTo(8080);
        assertThat(m.options().minScore()).isEqualTo(dev.crowdemotion.vision.DetectorOptions.DEFAULT_MIN_SCORE);
    }

    @Test
    void serveWithOptionsInAnyOrder() {
        ModelServerMain m = parse("--host=0.0.0.0", "serve", "--port", "9000", "--min-score", "0.7", "--workers", "3");
        assertThat(m.effectivePort("8081")).isEqualTo(9000);
        ModelServer.Options o = m.options();
        assertThat(o.minScore()).isEqualTo(0.7f);
        assertThat(o.workers()).isEqualTo(3);
    }

    @Test
    void sageMakerBindPortApplesWithoutPortOption() {
        assertThat(parse("serve").effectivePort("8081")).isEqualTo(8081);
    }

    @Test
    void rejectsTrainAndBadScores() {
        assertThatThrownBy(() -> parse("train").options()).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse("--min-score", "2").options()).isInstanceOf(CommandLine.ParameterException.class);
        assertThat(new CommandLine(new ModelServerMain()).execute("train")).isEqualTo(2);
    }
}
