package dev.crowdemotion.setup;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.net.URI;

/**
 * Builds the SDK clients the CLI uses. Without an endpoint: the standard default region and
 * credentials provider chains (real AWS). With an endpoint (a local stand-in): the region
 * defaults to us-east-1, credentials come from the environment, system properties or the
 * profile file, else dummy ones (never from EC2/container metadata endpoints), and
 * Kinesis talks JSON instead of CBOR (kinesis-mock needs it) unless {@code aws.cborEnabled} or
 * {@code CBOR_ENABLED} is set.
 */
public final class AwsClients {
    /** Region used against a local endpoint when none is given. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";

    private AwsClients() {}

    public static KinesisClient kinesis(String endpoint, String region) {
        var b = KinesisClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            if (System.getProperty("aws.cborEnabled") == null && System.getenv("CBOR_ENABLED") == null) {
                System.setProperty("aws.cborEnabled", "false");
            }
            b.endpointOverride(URI.create(endpoint)).credentialsProvider(localCredentials());
        }
        String r = region(endpoint, region);
        if (r != null) {
            b.region(Region.of(r));
        }
        return b.build();
    }

    public static DynamoDbClient dynamoDb(String endpoint, String region) {
        var b = DynamoDbClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            b.endpointOverride(URI.create(endpoint)).credentialsProvider(localCredentials());
        }
        String r = region(endpoint, region);
        if (r != null) {
            b.region(Region.of(r));
        }
        return b.build();
    }

    /** A CloudWatch client (dashboards), configured like the others. */
    public static CloudWatchClient cloudWatch(String endpoint, String region) {
        var b = CloudWatchClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            b.endpointOverride(URI.create(endpoint)).credentialsProvider(localCredentials());
        }
        String r = region(endpoint, region);
        if (r != null) {
            b.region(Region.of(r));
        }
        return b.build();
    }

    private static String region(String endpoint, String region) {
        if (region != null) {
            return region;
        }
        return endpoint != null ? LOCAL_DEFAULT_REGION : null;
    }

    /** Explicit credentials first, then dummy ones for emulators; no metadata-endpoint lookups. */
    static AwsCredentialsProvider localCredentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(), ProfileCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
