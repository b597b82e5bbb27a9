package dev.crowdemotion.metrics;

import dev.crowdemotion.config.ConfigKeys;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * Builds the {@link CloudWatchAsyncClient} of the business-metrics sink, as the job builds its
 * other SDK v2 async clients: a Netty HTTP client, {@code aws.region} (else the default region
 * provider chain) and {@code aws.endpoint} (local stand-ins only) from the {@code CloudWatch}
 * property group, credentials from the default provider chain (on MSF, the application's role).
 * Unlike the Rekognition client it keeps the SDK's standard retry strategy (3 attempts,
 * exponential backoff with jitter, longer for throttling): the async sink retries what still
 * fails by handing it back to its writer, so the SDK's backoff is the pause between attempts.
 */
public final class CloudWatchClients {
    private CloudWatchClients() {}

    /** Timeout of one PutMetricData attempt. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /** Timeout of one call, its SDK retries included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param group the {@code CloudWatch} property group ({@code aws.region}, {@code aws.endpoint})
     * @param maxConcurrency HTTP connections the client may open
     * @return a new client; close it when done
     * @throws software.amazon.awssdk.core.exception.SdkClientException if no region is configured or found
     */
    public static CloudWatchAsyncClient create(Properties group, int maxConcurrency) {
        CloudWatchAsyncClientBuilder builder = CloudWatchAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(maxConcurrency)
                        .connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(CALL_TIMEOUT));
        String region = group.getProperty(ConfigKeys.AWS_REGION);
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.trim()));
        }
        String endpoint = group.getProperty(ConfigKeys.AWS_ENDPOINT);
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        return builder.build();
    }
}
