package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.cloudwatch.CloudWatchStandIn;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import dev.crowdemotion.local.kinesis.KinesisEmulator;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.local.sagemaker.SageMakerRuntimeStandIn;
import dev.crowdemotion.modelserver.ModelServer;
import dev.crowdemotion.setup.ResourceSetup;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The local AWS stack the job runs against: kinesis-mock, DynamoDB Local, the Rekognition
 * stand-in, the SageMaker Runtime stand-in in front of the model server (the endpoint named in
 * the {@code SageMaker} group) and the CloudWatch stand-in (business metrics, when the
 * configuration has a {@code CloudWatch} group), each on a free loopback port, with the frame
 * stream (and the setlist and dead-letter streams, if the {@code Setlist} and {@code DeadLetters} groups name one) and the score tables
 * created. {@link #config()} is the given configuration with every {@code aws.endpoint} pointed
 * at the stand-ins, so the job needs no code path of its own for local runs.
 *
 * <p>Credentials: the stand-ins accept any, and the job's clients use the default provider
 * chain; {@link #start} sets the {@code aws.accessKeyId}/{@code aws.secretAccessKey} system
 * properties to dummy values for this JVM if they are not set, so no credential is in any file.
 */
public final class LocalStack implements AutoCloseable {
    /** SageMaker endpoint name when the configuration names none. */
    public static final String DEFAULT_SAGEMAKER_ENDPOINT = "crowd-emotion-blazeface";

    private final KinesisEmulator kinesisEmulator;
    private final DynamoDbLocalServer dynamoDbServer;
    private final RekognitionStandIn rekognition;
    private final ModelServer modelServer;
    private final SageMakerRuntimeStandIn sageMaker;
    private final CloudWatchStandIn cloudWatch;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamoDb;
    private final Map<String, Properties> groups;
    private final CrowdEmotionConfig config;

    private LocalStack(KinesisEmulator k, DynamoDbLocalServer d, RekognitionStandIn r, ModelServer m,
                       SageMakerRuntimeStandIn s, CloudWatchStandIn c, Map<String, Properties> groups) {
        this.kinesisEmulator = k;
        this.dynamoDbServer = d;
        this.rekognition = r;
        this.modelServer = m;
        this.sageMaker = s;
        this.cloudWatch = c;
        this.groups = groups;
        this.config = new CrowdEmotionConfig(groups);
        this.kinesis = KinesisClient.builder().endpointOverride(k.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
        this.dynamoDb = DynamoDbClient.builder().endpointOverride(d.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /**
     * Starts the stand-ins and creates the stream (1 shard) and table named in {@code base}.
     *
     * @param base the job's property groups (e.g. {@code config/local.json}); endpoints and
     *     regions are replaced, everything else is kept
     * @throws RuntimeException if a stand-in does not start; those already started are stopped
     */
    public static LocalStack start(Map<String, Properties> base) {
        System.setProperty("aws.cborEnabled", "false");
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
            System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        }
        KinesisEmulator k = null;
        DynamoDbLocalServer d = null;
        RekognitionStandIn r = null;
        ModelServer m = null;
        SageMakerRuntimeStandIn s = null;
        CloudWatchStandIn c = null;
        try {
            k = KinesisEmulator.start();
            d = DynamoDbLocalServer.start();
            r = RekognitionStandIn.start();
            m = ModelServer.start(LocalAws.LOOPBACK_HOST, 0);
            String endpointName = Optional.ofNullable(base.get(ConfigKeys.GROUP_SAGEMAKER))
                    .map(p -> p.getProperty(ConfigKeys.ENDPOINT_NAME)).orElse(DEFAULT_SAGEMAKER_ENDPOINT);
            s = SageMakerRuntimeStandIn.start(SageMakerRuntimeStandIn.Options.defaults().endpoint(endpointName, m.uri()));
            c = CloudWatchStandIn.start();
            Map<String, Properties> groups = new LinkedHashMap<>();
            base.forEach((id, p) -> {
                Properties copy = new Properties();
                copy.putAll(p);
                groups.put(id, copy);
            });
            endpoint(groups, ConfigKeys.GROUP_FRAME_SOURCE, k.endpoint().toString());
            endpoint(groups, ConfigKeys.GROUP_REKOGNITION, r.endpoint().toString());
            endpoint(groups, ConfigKeys.GROUP_SAGEMAKER, s.endpoint().toString());
            groups.get(ConfigKeys.GROUP_SAGEMAKER).setProperty(ConfigKeys.ENDPOINT_NAME, endpointName);
            endpoint(groups, ConfigKeys.GROUP_SCORES_SINK, d.endpoint().toString());
            if (groups.containsKey(ConfigKeys.GROUP_CLOUDWATCH)) {
                // only a configuration with the group publishes business metrics: do not add it
                endpoint(groups, ConfigKeys.GROUP_CLOUDWATCH, c.endpoint().toString());
            }
            String streamName = streamName(groups.get(ConfigKeys.GROUP_FRAME_SOURCE).getProperty(ConfigKeys.STREAM_ARN));
            groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(streamName));
            String setlistStream = null;
            Properties setlist = groups.get(ConfigKeys.GROUP_SETLIST);
            if (setlist != null && setlist.getProperty(ConfigKeys.STREAM_ARN) != null) {
                setlistStream = streamName(setlist.getProperty(ConfigKeys.STREAM_ARN));
                endpoint(groups, ConfigKeys.GROUP_SETLIST, k.endpoint().toString());
                setlist.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(setlistStream));
            }
            String deadLetterStream = null;
            Properties deadLetters = groups.get(ConfigKeys.GROUP_DEAD_LETTERS);
            if (deadLetters != null && deadLetters.getProperty(ConfigKeys.STREAM_ARN) != null) {
                deadLetterStream = streamName(deadLetters.getProperty(ConfigKeys.STREAM_ARN));
                endpoint(groups, ConfigKeys.GROUP_DEAD_LETTERS, k.endpoint().toString());
                deadLetters.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn(deadLetterStream));
            }
            LocalStack stack = new LocalStack(k, d, r, m, s, c, groups);
            ResourceSetup setup = new ResourceSetup(stack.kinesis, stack.dynamoDb);
            setup.ensureStream(streamName, 1);
            if (setlistStream != null) {
                setup.ensureStream(setlistStream, 1);
            }
            if (deadLetterStream != null) {
                setup.ensureStream(deadLetterStream, 1);
            }
            setup.ensureTable(stack.config.tableName());
            setup.ensurePerformanceTable(stack.config.performanceTableName());
            return stack;
        } catch (RuntimeException e) {
            for (AutoCloseable x : new AutoCloseable[] {c, s, m, r, d, k}) {
                closeQuietly(x);
            }
            throw e;
        }
    }

    private static void endpoint(Map<String, Properties> groups, String group, String endpoint) {
        Properties p = groups.computeIfAbsent(group, g -> new Properties());
        p.setProperty(ConfigKeys.AWS_ENDPOINT, endpoint);
        p.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
    }

    /** The stream name of a Kinesis stream ARN ({@code arn:aws:kinesis:R:A:stream/NAME}). */
    static String streamName(String arn) {
        if (arn == null || !arn.contains(":stream/")) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: " + arn);
        }
        return arn.substring(arn.indexOf(":stream/") + ":stream/".length());
    }

    /** The job configuration pointing at this stack. */
    public CrowdEmotionConfig config() { return config; }
    /** The property groups of {@link #config()} (copies may be edited by callers). */
    public Map<String, Properties> groups() {
        Map<String, Properties> copy = new LinkedHashMap<>();
        groups.forEach((id, p) -> {
            Properties c = new Properties();
            c.putAll(p);
            copy.put(id, c);
        });
        return copy;
    }
    public String streamName() { return streamName(config.streamArn()); }
    public KinesisClient kinesis() { return kinesis; }
    public DynamoDbClient dynamoDb() { return dynamoDb; }
    public RekognitionStandIn rekognition() { return rekognition; }
    /** The model server behind the SageMaker stand-in's endpoint. */
    public ModelServer modelServer() { return modelServer; }
    /** The SageMaker Runtime stand-in ({@code SageMaker} group's endpoint). */
    public SageMakerRuntimeStandIn sageMaker() { return sageMaker; }
    /**
     * The CloudWatch stand-in: the {@code CloudWatch} group's endpoint when the configuration has
     * that group; its datapoints also at {@code GET <endpoint>/standin/metrics} (JSON).
     */
    public CloudWatchStandIn cloudWatch() { return cloudWatch; }
    public KinesisEmulator kinesisEmulator() { return kinesisEmulator; }
    public DynamoDbLocalServer dynamoDbServer() { return dynamoDbServer; }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {kinesis, dynamoDb, cloudWatch, sageMaker, modelServer, rekognition,
                dynamoDbServer, kinesisEmulator}) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }
}
