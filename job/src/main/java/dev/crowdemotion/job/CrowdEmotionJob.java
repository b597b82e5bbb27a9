package dev.crowdemotion.job;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.CrowdEmotionConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the crowd-emotion Flink job.
 *
 * <p>On Amazon Managed Service for Apache Flink, run without arguments: configuration comes from
 * the application's runtime property groups, and checkpointing, restart strategy and
 * parallelism are the service's. Elsewhere pass {@code --config <file.json>} (same groups and
 * keys, see {@code config/local.json}).
 */
public final class CrowdEmotionJob {
    private CrowdEmotionJob() {}

    /**
     * @throws IllegalArgumentException if the configuration is invalid
     * @throws Exception if the job fails
     */
    public static void main(String[] args) throws Exception {
        CrowdEmotionConfig config = new CrowdEmotionConfig(ApplicationProperties.load(args));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CrowdEmotionPipeline.attachSinks(CrowdEmotionPipeline.fromKinesis(env, config), config);
        env.execute("crowd-emotion");
    }
}
