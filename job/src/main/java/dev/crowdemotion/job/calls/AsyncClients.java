package dev.crowdemotion.job.calls;

import dev.crowdemotion.config.ConfigKeys;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * Builds the SDK v2 async clients of the job's service calls (Rekognition, SageMaker Runtime) the
 * same way, from their property group: {@code aws.region} (else the default region provider
 * chain), {@code aws.endpoint} (local stand-ins only), a per-attempt timeout, a Netty HTTP client
 * sized to the calls in flight, and the SDK's own retries off ({@link PacedCaller} paces and
 * retries every attempt itself). Credentials always come from the default provider chain.
 */
public final class AsyncClients {
    private AsyncClients() {}

    /**
     * @param builder e.g. {@code RekognitionAsyncClient.builder()}
     * @param group the service's property group
     * @param attemptTimeoutMs timeout of one attempt, ms
     * @param maxConcurrency HTTP connections the client may open (at least the calls in flight)
     * @return the built client; close it when done
     */
    public static <B extends AwsClientBuilder<B, C> & AwsAsyncClientBuilder<B, C>, C> C build(B builder, Properties group,
                                                                     long attemptTimeoutMs,
                                                                     int maxConcurrency) {
        builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(maxConcurrency)
                        .connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofMillis(attemptTimeoutMs)));
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
