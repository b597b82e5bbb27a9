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
        define(env, config);
        env.execute("crowd-emotion");
    }

    /**
     * Adds the whole job (Kinesis frame source, setlist, the dataflow and its sinks) to {@code env},
     * as {@link #main} runs it, and returns its outputs. It sets no checkpointing, restart strategy
     * or parallelism: those belong to the environment (MSF, a cluster's configuration, a test).
     */
    public static CrowdEmotionPipeline.Outputs define(StreamExecutionEnvironment env, CrowdEmotionConfig config) {
        CrowdEmotionPipeline.Outputs outputs = CrowdEmotionPipeline.fromKinesis(env, config);
        CrowdEmotionPipeline.attachSinks(outputs, config);
        return outputs;
    }
}
