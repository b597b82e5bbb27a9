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
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs the stand-ins of the AWS services that have no emulator, in a process of their own: the
 * Rekognition DetectFaces stand-in, the model server, the SageMaker Runtime stand-in routing
 * one endpoint to it, and the CloudWatch stand-in, all on 127.0.0.1. Prints one JSON line with
 * their endpoints ({@code {"rekognition": "http://...", "sagemaker": "http://...", "modelServer": "http://...",
 * "endpointName": "...", "cloudwatch": "http://..."}}) once they serve, and runs until its standard input closes (or it is
 * killed). Benchmarks use it so that the stand-ins' CPU is not counted as the job's.
 */
@Command(name = "stand-ins", mixinStandardHelpOptions = true,
        description = "Rekognition, SageMaker Runtime and CloudWatch stand-ins plus the model server, on 127.0.0.1.")
public final class StandInsMain implements Callable<Integer> {
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

    /** Starts the stand-ins; see {@link StandInsMain}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StandInsMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ModelServer.Options modelOptions = ModelServer.Options.defaults();
        if (workers > 0) {
            modelOptions = modelOptions.workers(workers);
        }
        try (RekognitionStandIn rekognition = RekognitionStandIn.start(RekognitionStandIn.Options.defaults().port(rekognitionPort));
             ModelServer model = ModelServer.start(LocalAws.LOOPBACK_HOST, modelServerPort, modelOptions);
             SageMakerRuntimeStandIn sageMaker = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults()
                     .port(sageMakerPort).endpoint(endpointName, model.uri()));
             CloudWatchStandIn cloudWatch = CloudWatchStandIn.start(CloudWatchStandIn.Options.defaults().port(cloudWatchPort))) {
            Map<String, String> endpoints = new LinkedHashMap<>();
            endpoints.put("rekognition", rekognition.endpoint().toString());
            endpoints.put("sagemaker", sageMaker.endpoint().toString());
            endpoints.put("modelServer", model.uri().toString());
            endpoints.put("endpointName", endpointName);
            endpoints.put("cloudwatch", cloudWatch.endpoint().toString());
            System.out.println(new ObjectMapper().writeValueAsString(endpoints));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // run until stdin closes
            }
        }
        return 0;
    }
}
