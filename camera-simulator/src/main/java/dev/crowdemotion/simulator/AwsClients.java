package dev.crowdemotion.simulator;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.net.URI;

/**
 * Builds the Kinesis client of the CLI. Without an endpoint: the standard default region and
 * credentials provider chains (real AWS). With an endpoint (a local emulator): the region
 * defaults to us-east-1, credentials come from the environment, system properties or the
 * profile file, else dummy ones (never from EC2/container metadata endpoints), and the SDK talks JSON instead of CBOR (kinesis-mock needs it) unless {@code aws.cborEnabled} or
 * {@code CBOR_ENABLED} is set.
 */
public final class AwsClients {
    /** Region used against a local endpoint when none is given. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";

    private AwsClients() {}

    /**
     * @param endpoint endpoint override, or null for AWS
     * @param region region, or null for the default chain (us-east-1 with an endpoint)
     */
    public static KinesisClient kinesis(String endpoint, String region) {
        var b = KinesisClient.builder().httpClientBuilder(ApacheHttpClient.builder().maxConnections(16));
        if (endpoint != null) {
            if (System.getProperty("aws.cborEnabled") == null && System.getenv("CBOR_ENABLED") == null) {
                System.setProperty("aws.cborEnabled", "false");
            }
            b.endpointOverride(URI.create(endpoint)).credentialsProvider(AwsCredentialsProviderChain.builder()
                    .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(), ProfileCredentialsProvider.create(),
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .build());
            if (region == null) region = LOCAL_DEFAULT_REGION;
        }
        if (region != null) b.region(Region.of(region));
        return b.build();
    }
}
