package dev.crowdemotion.analyst;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * Builds the CLI's DynamoDB client. Without an endpoint (AWS): the SDK's default region and
 * credentials provider chains, unless a region is given. With an endpoint (DynamoDB Local): the
 * region defaults to {@value #LOCAL_DEFAULT_REGION}, credentials come from the environment,
 * system properties or the profile file, else dummy ones (never from EC2/container metadata).
 * Standard retry mode (3 attempts), 5 s to connect, {@code timeout} per call including retries.
 */
public final class DynamoDbClients {
    /** Region used against a local endpoint when none is given. */
    public static final String LOCAL_DEFAULT_REGION = "us-east-1";
    /** Time to open a connection. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private DynamoDbClients() {}

    /**
     * @param endpoint DynamoDB endpoint URL (local), or null for AWS
     * @param region   region, or null for the default (see the class comment)
     * @param timeout  limit of one API call including its retries
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL
     */
    public static DynamoDbClient create(String endpoint, String region, Duration timeout) {
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(timeout));
        if (endpoint != null) {
            b.endpointOverride(endpointUri(endpoint)).credentialsProvider(localCredentials());
        }
        String r = region != null ? region : endpoint != null ? LOCAL_DEFAULT_REGION : null;
        if (r != null) {
            b.region(Region.of(r));
        }
        return b.build();
    }

    /**
     * The endpoint as a URI.
     *
     * @throws IllegalArgumentException unless it is an absolute http or https URL with a host
     */
    public static URI endpointUri(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + endpoint + "'");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL such as http://127.0.0.1:8000, not '"
                    + endpoint + "'");
        }
        return uri;
    }

    /** Explicit credentials first, then dummy ones for DynamoDB Local; no metadata-endpoint lookups. */
    static AwsCredentialsProvider localCredentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(), ProfileCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
