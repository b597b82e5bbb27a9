package dev.crowdemotion.local.standins;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.local.sagemaker.SageMakerRuntimeStandIn;
import dev.crowdemotion.modelserver.ModelServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the stand-ins of the AWS services that have no emulator, in a process of their own: the
 * Rekognition DetectFaces stand-in, the model server, the SageMaker Runtime stand-in routing
 * one endpoint to it, and the CloudWatch stand-in, all on 127.0.0.1 unless {@code --bind-address}
 * says otherwise. Prints one JSON line with their endpoints ({@code {"rekognition": "http://...",
 * "sagemaker": "http://...", "modelServer": "http://...", "endpointName": "...", "cloudwatch":
 * "http://..."}}) once they serve, and runs until its standard input closes, or with
 * {@code --no-stdin} until it is stopped (SIGTERM/SIGINT, as in a container, whose standard input
 * is closed from the start). Benchmarks use it so that the stand-ins' CPU is not counted as the
 * job's; {@code docker-compose.yml} runs it as the {@code stand-ins} service.
 */
@Command(name = "stand-ins", mixinStandardHelpOptions = true,
        description = "Rekognition, SageMaker Runtime and CloudWatch stand-ins plus the model server, on 127.0.0.1 by default.")
public final class StandInsMain implements Callable<Integer> {
    /** How long a shutdown hook waits for the servers to close. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    @Option(names = "--rekognition-port", defaultValue = "0", description = "Rekognition stand-in port; 0 = free. Default: ${DEFAULT-VALUE}.")
    int rekognitionPort;

    @Option(names = "--sagemaker-port", defaultValue = "0", description = "SageMaker Runtime stand-in port; 0 = free. Default: ${DEFAULT-VALUE}.")
    int sageMakerPort;

    @Option(names = "--model-server-port", defaultValue = "0", description = "Model server port; 0 = free. Default: ${DEFAULT-VALUE}.")
    int modelServerPort;

    @Option(names = "--cloudwatch-port", defaultValue = "0", description = "CloudWatch stand-in port; 0 = free. Default: ${DEFAULT-VALUE}.")
    int cloudWatchPort;

    @Option(names = "--endpoint-name", defaultValue = "crowd-emotion-blazeface",
            description = "SageMaker endpoint name routed to the model server. Default: ${DEFAULT-VALUE}.")
    String endpointName;

    @Option(names = "--model-server-workers", defaultValue = "0",
            description = "Model server inference threads; 0 = available processors. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--bind-address", paramLabel = "ADDRESS", defaultValue = LocalAws.LOOPBACK_HOST,
            description = "Address all four servers listen on; 0.0.0.0 in a container that other containers call. "
                    + "Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(names = "--no-stdin",
            description = "Do not read standard input: run until stopped (SIGTERM/SIGINT) instead of until standard "
                    + "input closes (for containers, where it is closed from the start).")
    boolean noStdin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Reads {@link System#in} (unless {@code --no-stdin}). */
    public StandInsMain() {
        this(System.in);
    }

    StandInsMain(InputStream stdin) {
        this.stdin = stdin;
    }

    /** Starts the stand-ins; see {@link StandInsMain}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StandInsMain()).execute(args));
    }

    /** Lets a {@code --no-stdin} run return, as a SIGTERM does. */
    void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        LocalAws.bindAddress(bindAddress); // fails before the models load if the address is unusable
        ModelServer.Options modelOptions = ModelServer.Options.defaults();
        if (workers > 0) {
            modelOptions = modelOptions.workers(workers);
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(closed);
        }, "stand-ins-shutdown");
        if (noStdin) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try (RekognitionStandIn rekognition = RekognitionStandIn.start(RekognitionStandIn.Options.defaults()
                     .bindAddress(bindAddress).port(rekognitionPort));
             ModelServer model = ModelServer.start(bindAddress, modelServerPort, modelOptions);
             SageMakerRuntimeStandIn sageMaker = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                     .bindAddress(bindAddress).port(sageMakerPort).endpoint(endpointName, model.uri()));
             CloudWatchStandIn cloudWatch = CloudWatchStandIn.start(CloudWatchStandIn.Options.defaults()
                     .bindAddress(bindAddress).port(cloudWatchPort))) {
            Map<String, String> endpoints = new LinkedHashMap<>();
            endpoints.put("rekognition", rekognition.endpoint().toString());
            endpoints.put("sagemaker", sageMaker.endpoint().toString());
            endpoints.put("modelServer", model.uri().toString());
            endpoints.put("endpointName", endpointName);
            endpoints.put("cloudwatch", cloudWatch.endpoint().toString());
            PrintWriter out = spec.commandLine().getOut();
            out.println(new ObjectMapper().writeValueAsString(endpoints));
            out.flush();
            if (noStdin) {
                stop.await();
            } else {
                awaitEndOfInput();
            }
        } finally {
            closed.countDown();
            if (noStdin) {
                removeHook(hook);
            }
        }
        return 0;
    }

    private void awaitEndOfInput() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // run until stdin closes
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for the close above
        }
    }
}
