package dev.crowdemotion.modelserver;

import dev.crowdemotion.vision.DetectorOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Command line of the inference container. SageMaker starts a hosting container as
 * {@code docker run <image> serve} ("Use your own inference code with hosting services", "How
 * SageMaker runs your inference image":
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html), so the
 * optional positional argument {@code serve} is accepted (and is the only mode: {@code train} is
 * refused). Runs until the JVM is stopped (SIGTERM from {@code docker stop}).
 *
 * <pre>
 * java -jar model-server-&lt;version&gt;-server.jar [serve] [--host 127.0.0.1] [--port 8080]
 *      [--min-score 0.6] [--workers N] [--max-queued 64] [--max-detectors 8]
 * </pre>
 *
 * <p>Port: {@code --port}, else the environment variable {@value #BIND_PORT_ENV} if set (SageMaker
 * sets it for containers of an inference pipeline or a multi-container endpoint, "Inference
 * pipelines" / "Host multiple models in different containers"), else 8080.
 */
@Command(name = "model-server", mixinStandardHelpOptions = true,
        description = "SageMaker inference container for the BlazeFace face detector: GET /ping, POST /invocations.")
public final class ModelServerMain implements Callable<Integer> {
    /** Environment variable naming the port SageMaker expects the container to listen on. */
    public static final String BIND_PORT_ENV = "SAGEMAKER_BIND_TO_PORT";

    @Parameters(arity = "0..1", paramLabel = "MODE", description = "'serve' (what SageMaker passes); default serve")
    String mode = "serve";

    @Option(names = "--host", description = "address to bind; 0.0.0.0 inside the container (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "port to bind; 0 = any free port (default: $" + BIND_PORT_ENV + " or 8080)")
    Integer port;

    @Option(names = "--min-score", description = "default minimum detection score, 0..1 (default: ${DEFAULT-VALUE})")
    float minScore = DetectorOptions.DEFAULT_MIN_SCORE;

    @Option(names = "--workers", description = "inference threads (default: available processors, ${DEFAULT-VALUE})")
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Option(names = "--max-queued", description = "requests waiting for a worker before 503 (default: ${DEFAULT-VALUE})")
    int maxQueued = ModelServer.Options.defaults().maxQueued();

    @Option(names = "--max-detectors", description = "distinct min_score values served (default: ${DEFAULT-VALUE})")
    int maxDetectors = ModelServer.Options.defaults().maxDetectors();

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Runs the command line; exits with its code (0 after a clean stop, 2 on usage errors). */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-model-server.xml");
        }
        System.exit(new CommandLine(new ModelServerMain()).execute(args));
    }

    /** Validates the arguments, starts the server and blocks until JVM shutdown. */
    @Override
    public Integer call() throws InterruptedException {
        ModelServer server = ModelServer.start(host, effectivePort(System.getenv(BIND_PORT_ENV)), options());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "model-server-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The server options from the command line.
     *
     * @throws CommandLine.ParameterException on a mode other than {@code serve} or an invalid value
     */
    ModelServer.Options options() {
        if (!"serve".equals(mode)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "unsupported mode '" + mode + "': this image only serves (SageMaker passes 'serve')");
        }
        try {
            return ModelServer.Options.defaults().minScore(minScore).workers(workers).maxQueued(maxQueued)
                    .maxDetectors(maxDetectors);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    /** {@code --port}, else {@code envPort} if it is a port number, else 8080. */
    int effectivePort(String envPort) {
        if (port != null) {
            return port;
        }
        if (envPort != null && !envPort.isBlank()) {
            try {
                return Integer.parseInt(envPort.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        BIND_PORT_ENV + " is not a port number: " + envPort);
            }
        }
        return ModelServer.SAGEMAKER_PORT;
    }
}
