package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * Builds the {@link RekognitionAsyncClient} from the {@code Rekognition} property group:
 * {@code aws.region} (else the default region provider chain), {@code aws.endpoint} (local
 * stand-in only) and {@code call.timeout.ms} as the per-attempt timeout. The SDK's own retries
 * are off: {@link DetectFacesCaller} paces and retries every attempt itself. Credentials always
 * come from the default provider chain.
 */
public final class RekognitionClients {
    private RekognitionClients() {}

    /**
     * @param maxConcurrency HTTP connections the client may open (at least the calls in flight)
     */
    public static RekognitionAsyncClient create(CrowdEmotionConfig config, int maxConcurrency) {
        Properties group = config.group(ConfigKeys.GROUP_REKOGNITION);
        RekognitionAsyncClientBuilder builder = RekognitionAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(maxConcurrency)
                        .connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofMillis(config.callTimeoutMs())));
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
