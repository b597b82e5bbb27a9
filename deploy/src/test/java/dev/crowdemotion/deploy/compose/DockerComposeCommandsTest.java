package dev.crowdemotion.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deploy.compose.Dockerfile.Copy;
import dev.crowdemotion.local.standins.StandInsMain;
import dev.crowdemotion.setup.SetupCli;
import dev.crowdemotion.simulator.SimulatorCli;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.flink.client.cli.CliFrontendParser;
import org.apache.flink.client.cli.DefaultCLI;
import org.apache.flink.client.cli.ProgramOptions;
import org.junit.jupiter.api.Test;

/**
 * The commands of the project's own services, parsed by the programs that run them: picocli
 * against {@link StandInsMain}, {@link SetupCli} and {@link SimulatorCli}, Flink's own CLI parser
 * for {@code flink run}, with every file they name present in the container (mounted from this
 * repository or built into the image).
 */
class DockerComposeCommandsTest {
    private static final ComposeFile COMPOSE = Repo.COMPOSE;
    /** A path inside a container: at the start of an argument or after its last {@code =}. */
    private static final Pattern CONTAINER_PATH = Pattern.compile("(?:^|=)(/[^=]*)$");

    /** The arguments with every container path that a bind mount provides replaced by its host path. */
    static List<String> onHost(String service, List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            Matcher m = CONTAINER_PATH.matcher(a);
            if (m.find()) {
                Optional<Path> host = COMPOSE.hostPath(service, m.group(1));
                if (host.isPresent()) {
                    a = a.substring(0, m.start(1)) + host.get();
                }
            }
            out.add(a);
        }
        return out;
    }

    @Test
    void theToolsImageRunsJavaWithTheMainClassFromTheCommand() {
        List<String> entrypoint = Dockerfile.execForm(Services.DOCKERFILE.stage("tools").orElseThrow()
                .all("ENTRYPOINT").get(0).args()).orElseThrow();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.get(entrypoint.size() - 2)).isIn("-cp", "-classpath");
        String classpath = entrypoint.get(entrypoint.size() - 1);
        // the directory the build stage's output is copied to
        assertThat(Services.DOCKERFILE.stage("tools").orElseThrow().all("COPY").stream().map(Dockerfile::copy)
                .map(Copy::destination).map(d -> d.replaceAll("/$", "") + "/*")).contains(classpath);

        List<String> tools = Services.builtFrom("tools");
        assertThat(tools).hasSize(3);
        for (String s : tools) {
            Services.JavaCommand cmd = Services.javaCommand(s);
            assertThatCode(() -> mainMethod(cmd.mainClass())).as(s).doesNotThrowAnyException();
            for (String opt : cmd.jvmOptions()) {
                assertThat(opt).as("%s JVM option", s).startsWith("-D");
                if (opt.startsWith("-Dlog4j2.configurationFile=")) {
                    String resource = opt.substring(opt.indexOf('=') + 1);
                    assertThat(getClass().getClassLoader().getResource(resource)).as("%s on the classpath", resource).isNotNull();
                }
            }
        }
        assertThat(tools.stream().map(s -> Services.javaCommand(s).mainClass()))
                .containsExactlyInAnyOrder(StandInsMain.class.getName(), SetupCli.class.getName(), SimulatorCli.class.getName());
    }

    @Test
    void theStandInsCommandParsesAndRunsUntilStopped() {
        String s = Services.byMainClass(StandInsMain.class);
        var parsed = Services.parse(new StandInsMain(), Services.javaCommand(s).args());
        assertThat(parsed.unmatched()).isEmpty();
        assertThat((Boolean) Services.option(parsed, "--no-stdin")).as("a container's stdin is closed from the start").isTrue();
        Map<String, Integer> ports = Services.listening(s);
        assertThat(ports.values()).as("fixed ports (0 = random) that the config can name").allSatisfy(p -> assertThat(p).isPositive());
        assertThat(new TreeSet<>(ports.values())).as("distinct ports").hasSize(ports.size());
    }

    @Test
    void theSetupCommandParsesAndCreatesFromTheMountedConfig() {
        String s = Services.byMainClass(SetupCli.class);
        List<String> args = Services.javaCommand(s).args();
        var parsed = Services.parse(new SetupCli(), onHost(s, args));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("create");
        Path config = parsed.subcommand().matchedOptionValue("--config", null);
        assertThat(config).as("--config is mounted from the repository").isEqualTo(DockerComposeConfigTest.DOCKER_JSON);
        assertEveryPathIsMounted(s, args);
    }

    @Test
    void theSimulatorCommandParsesAndSendsEveryStageOfDataStages() throws IOException {
        String s = Services.byMainClass(SimulatorCli.class);
        List<String> args = Services.javaCommand(s).args();
        var parsed = Services.parse(new SimulatorCli(), onHost(s, args));
        assertThat(parsed.unmatched()).isEmpty();
        Path config = parsed.matchedOptionValue("--config", null);
        assertThat(config).isEqualTo(DockerComposeConfigTest.DOCKER_JSON);
        Map<String, Path> stages = parsed.matchedOptionValue("--stage", Map.of());
        Path stagesRoot = Repo.ROOT.resolve("data/stages");
        List<String> stageDirs;
        try (Stream<Path> list = Files.list(stagesRoot)) {
            stageDirs = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(stages.keySet()).containsExactlyInAnyOrderElementsOf(stageDirs);
        for (Map.Entry<String, Path> e : stages.entrySet()) {
            assertThat(e.getValue()).isEqualTo(stagesRoot.resolve(e.getKey()));
            try (Stream<Path> photos = Files.list(e.getValue())) {
                assertThat(photos.map(p -> p.getFileName().toString().toLowerCase()))
                        .as("photos of stage %s", e.getKey()).anyMatch(n -> n.endsWith(".jpg") || n.endsWith(".png"));
            }
        }
        assertEveryPathIsMounted(s, args);
    }

    @Test
    void theSubmitCommandIsAFlinkRunOfTheJobJarWithTheMountedConfig() throws Exception {
        String submit = Services.builtFrom("job-submit").get(0);
        List<String> cmd = COMPOSE.command(submit);
        assertThat(cmd.subList(0, 2)).containsExactly("flink", "run");
        // Flink's own parser of `flink run` (and the -m option of its default command line)
        Options options = CliFrontendParser.getRunCommandOptions();
        new DefaultCLI().addGeneralOptions(options);
        new DefaultCLI().addRunOptions(options);
        CommandLine line = CliFrontendParser.parse(options, cmd.subList(2, cmd.size()).toArray(String[]::new), true);
        ProgramOptions program = ProgramOptions.create(line);
        program.validate();
        assertThat(program.getDetachedMode()).as("-d: the container exits once the job is submitted").isTrue();

        // the JobManager's REST address
        String address = line.getOptionValue(CliFrontendParser.ADDRESS_OPTION.getOpt());
        String jobManager = Services.flinkProcess("jobmanager");
        assertThat(address).isEqualTo(jobManager + ":" + Services.listening(jobManager).get("flink-rest"));

        // the jar is the one the job-submit image is built with; its manifest names the job's main class
        Dockerfile.Stage stage = Services.DOCKERFILE.stage("job-submit").orElseThrow();
        assertThat(stage.all("COPY").stream().map(Dockerfile::copy).map(Copy::destination)).contains(program.getJarFilePath());
        assertThat(program.getEntryPointClassName()).isNull();
        String mainClass = Repo.pomTexts("job", "mainClass").get(0);
        assertThat(mainClass).isEqualTo("dev.crowdemotion.job.CrowdEmotionJob");
        assertThatCode(() -> mainMethod(mainClass)).doesNotThrowAnyException();

        // the program arguments: --config of a mounted file the job accepts
        List<String> programArgs = onHost(submit, List.of(program.getProgramArgs()));
        assertThat(programArgs).containsExactly("--config", DockerComposeConfigTest.DOCKER_JSON.toString());
        assertThatCode(() -> new CrowdEmotionConfig(ApplicationProperties.load(programArgs.toArray(String[]::new))))
                .doesNotThrowAnyException();
        assertEveryPathIsMounted(submit, List.of(program.getProgramArgs()));

        // parallelism fits the slots: TaskManagers x taskmanager.numberOfTaskSlots
        String taskManager = Services.flinkProcess("taskmanager");
        int slots = COMPOSE.replicas(taskManager)
                * Integer.parseInt(Services.flinkProperties(taskManager).getOrDefault("taskmanager.numberOfTaskSlots", "1"));
        assertThat(program.getParallelism()).as("-p").isBetween(1, slots);
        assertThat(Integer.parseInt(Services.flinkProperties(jobManager).getOrDefault("parallelism.default", "1")))
                .as("parallelism.default").isBetween(1, slots);
    }

    private static void assertEveryPathIsMounted(String service, List<String> args) {
        for (String a : args) {
            Matcher m = CONTAINER_PATH.matcher(a);
            if (m.find()) {
                Optional<Path> host = COMPOSE.hostPath(service, m.group(1));
                assertThat(host).as("%s: %s is mounted", service, m.group(1)).isPresent();
                assertThat(host.get()).as("%s: %s on the host", service, m.group(1)).exists();
            }
        }
    }

    private static Method mainMethod(String className) {
        try {
            Method main = Class.forName(className, false, DockerComposeCommandsTest.class.getClassLoader())
                    .getMethod("main", String[].class);
            if (!Modifier.isStatic(main.getModifiers()) || !Modifier.isPublic(main.getModifiers())) {
                throw new AssertionError(className + ".main is not public static");
            }
            return main;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no main class " + className, e);
        }
    }
}
