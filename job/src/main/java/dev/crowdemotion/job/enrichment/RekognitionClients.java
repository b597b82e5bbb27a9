package dev.crowdemotion.job.enrichment;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.calls.AsyncClients;
import software.amazon.awssdk.services.rekognition.RekognitionAsyncClient;

/**
 * Builds the {@link RekognitionAsyncClient} from the {@code Rekognition} property group with
 * {@code call.timeout.ms} as the per-attempt timeout, the SDK's retries off
 * ({@link AsyncClients}).
 */
public final class RekognitionClients {
    private RekognitionClients() {}

    /**
     * @param maxConcurrency HTTP connections the client may open (at least the calls in flight)
     */
    public static RekognitionAsyncClient create(CrowdEmotionConfig config, int maxConcurrency) {
        return AsyncClients.build(RekognitionAsyncClient.builder(), config.group(ConfigKeys.GROUP_REKOGNITION),
                config.callTimeoutMs(), maxConcurrency);
    }
}
