package dev.crowdemotion.deploy.compose;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import dev.crowdemotion.local.standins.StandInsMain;
import org.apache.commons.cli.ParseException;
import org.apache.flink.configuration.RestOptions;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the compose file's services run, read with the real parsers of the programs they start:
 * the tools' commands (main class, picocli), DynamoDB Local's options, Flink's properties, and the
 * ports each service listens on.
 */
final class Services {
    static final ComposeFile COMPOSE = Repo.COMPOSE;
    static final Dockerfile DOCKERFILE = Dockerfile.read(Repo.ROOT.resolve("docker/Dockerfile"));

    /** A service's command on the tools image: JVM options, the main class, its arguments. */
    record JavaCommand(List<String> jvmOptions, String mainClass, List<String> args) {}

    private Services() {}

    /** The one service whose image is {@code repository} (any tag). */
    static String byImage(String repository) {
        List<String> found = COMPOSE.services().stream()
                .filter(s -> COMPOSE.image(s).map(DockerComposeImagesTest::repository).filter(repository::equals).isPresent())
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one service running " + repository + ", found " + found);
        }
        return found.get(0);
    }

    /** The services built from a stage of docker/Dockerfile. */
    static List<String> builtFrom(String stage) {
        return COMPOSE.services().stream()
                .filter(s -> stage.equals(COMPOSE.service(s).path("build").path("target").asText(null)))
                .toList();
    }

    /** The one service of the tools image whose main class is {@code mainClass}. */
    static String byMainClass(Class<?> mainClass) {
        List<String> found = builtFrom("tools").stream()
                .filter(s -> javaCommand(s).mainClass().equals(mainClass.getName())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one service running " + mainClass.getName() + ", found " + found);
        }
        return found.get(0);
    }

    /** The Flink service whose command is {@code jobmanager} or {@code taskmanager}. */
    static String flinkProcess(String kind) {
        List<String> found = COMPOSE.services().stream()
                .filter(s -> COMPOSE.image(s).map(DockerComposeImagesTest::repository).filter("flink"::equals).isPresent())
                .filter(s -> COMPOSE.command(s).equals(List.of(kind))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one Flink " + kind + " service, found " + found);
        }
        return found.get(0);
    }

    /**
     * The command of a tools service as the image's {@code java -cp ...} entrypoint runs it: leading
     * {@code -D...} options for the JVM, then the main class.
     */
    static JavaCommand javaCommand(String service) {
        List<String> cmd = COMPOSE.command(service);
        int i = 0;
        List<String> jvm = new ArrayList<>();
        while (i < cmd.size() && cmd.get(i).startsWith("-")) {
            jvm.add(cmd.get(i++));
        }
        if (i >= cmd.size()) {
            throw new AssertionError(service + ": no main class in " + cmd);
        }
        return new JavaCommand(jvm, cmd.get(i), cmd.subList(i + 1, cmd.size()));
    }

    /** A picocli command line of {@code command} with the service's arguments parsed (throws if they do not parse). */
    static CommandLine.ParseResult parse(Object command, List<String> args) {
        return new CommandLine(command).parseArgs(args.toArray(String[]::new));
    }

    /** The value of an option after parsing (its default if not given). */
    static <T> T option(CommandLine.ParseResult parsed, String name) {
        return parsed.commandSpec().findOption(name).getValue();
    }

    /** DynamoDB Local's options as its own parser reads them (after {@code -jar DynamoDBLocal.jar}). */
    static CommandLineInput dynamoDbLocal() {
        List<String> cmd = COMPOSE.command(byImage("amazon/dynamodb-local"));
        if (cmd.size() < 2 || !cmd.get(0).equals("-jar") || !cmd.get(1).equals("DynamoDBLocal.jar")) {
            throw new AssertionError("the image's entrypoint is java: the command must start with -jar DynamoDBLocal.jar, not " + cmd);
        }
        try {
            CommandLineInput input = new CommandLineInput(cmd.subList(2, cmd.size()).toArray(String[]::new));
            if (!input.init()) {    // validates the options (port range, -dbPath with -inMemory, ...) and sets them
                throw new AssertionError("DynamoDB Local would not start with " + cmd);
            }
            return input;
        } catch (ParseException e) {
            throw new AssertionError("DynamoDB Local refuses " + cmd + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code FLINK_PROPERTIES} as the official image's docker-entrypoint.sh reads it: one property
     * per line, all whitespace removed, split at the first colon.
     */
    static Map<String, String> flinkProperties(String service) {
        String text = COMPOSE.environment(service).get("FLINK_PROPERTIES");
        if (text == null) {
            throw new AssertionError(service + " has no FLINK_PROPERTIES");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String prop = line.replaceAll("\\s", "");
            if (prop.isEmpty()) {
                continue;
            }
            int colon = prop.indexOf(':');
            props.put(colon < 0 ? prop : prop.substring(0, colon), colon < 0 ? "" : prop.substring(colon + 1));
        }
        return props;
    }

    /**
     * The ports a service listens on inside its container, by what serves there, from its own
     * command and environment; empty for services the tests do not model.
     */
    static Map<String, Integer> listening(String service) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Optional<String> image = COMPOSE.image(service).map(DockerComposeImagesTest::repository);
        if (image.filter("ghcr.io/etspaceman/kinesis-mock"::equals).isPresent()) {
            // kinesis-mock's documented defaults (its README): 4568 plain HTTP, 4567 TLS
            Map<String, String> env = COMPOSE.environment(service);
            ports.put("kinesis-http", Integer.parseInt(env.getOrDefault("KINESIS_MOCK_PLAIN_PORT", "4568")));
            ports.put("kinesis-https", Integer.parseInt(env.getOrDefault("KINESIS_MOCK_TLS_PORT", "4567")));
        } else if (image.filter("amazon/dynamodb-local"::equals).isPresent()) {
            ports.put("dynamodb", dynamoDbLocal().getPort());
        } else if (builtFrom("tools").contains(service) && javaCommand(service).mainClass().equals(StandInsMain.class.getName())) {
            CommandLine.ParseResult p = parse(new StandInsMain(), javaCommand(service).args());
            ports.put("rekognition", option(p, "--rekognition-port"));
            ports.put("sagemaker", option(p, "--sagemaker-port"));
            ports.put("model-server", option(p, "--model-server-port"));
            ports.put("cloudwatch", option(p, "--cloudwatch-port"));
        } else if (image.filter("flink"::equals).isPresent() && COMPOSE.command(service).equals(List.of("jobmanager"))) {
            ports.put("flink-rest", Integer.parseInt(flinkProperties(service)
                    .getOrDefault(RestOptions.PORT.key(), String.valueOf(RestOptions.PORT.defaultValue()))));
        }
        return ports;
    }
}
