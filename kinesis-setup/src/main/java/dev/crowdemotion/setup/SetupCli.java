package dev.crowdemotion.setup;

import dev.crowdemotion.config.Durations;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * {@code kinesis-setup create|delete}: idempotently creates or deletes the frame stream and the
 * score tables, on AWS (default provider chains) or against local stand-ins (endpoints); and puts
 * or deletes the CloudWatch dashboard ({@link CloudWatchDashboard}) unless {@code --skip-dashboard}.
 *
 * <p>Exit codes: 0 done, 1 failed (AWS error, timeout, table with another key schema),
 * 2 bad options. {@code create} prints the stream ARN alone on standard output; progress and
 * status go to standard error.
 */
@Command(name = "kinesis-setup", mixinStandardHelpOptions = true, version = "kinesis-setup 0.1.0",
        description = "Creates or deletes the crowd-emotion frame stream (Kinesis) and score tables (DynamoDB).",
        subcommands = {SetupCli.Create.class, SetupCli.Delete.class, CommandLine.HelpCommand.class})
public final class SetupCli implements Runnable {
    /** Stream name used when neither {@code --stream} nor a config file gives one. */
    public static final String DEFAULT_STREAM_NAME = "crowd-emotion-frames";
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** Makes the SDK clients; replaceable for tests. */
    public interface ClientFactory {
        KinesisClient kinesis(String endpoint, String region);

        DynamoDbClient dynamoDb(String endpoint, String region);

        /** The CloudWatch client of the dashboard; by default {@link AwsClients#cloudWatch}. */
        default CloudWatchClient cloudWatch(String endpoint, String region) {
            return AwsClients.cloudWatch(endpoint, region);
        }
    }

    /** Clients from {@link AwsClients}. */
    public static final ClientFactory DEFAULT_CLIENTS = new ClientFactory() {
        @Override public KinesisClient kinesis(String endpoint, String region) {
            return AwsClients.kinesis(endpoint, region);
        }

        @Override public DynamoDbClient dynamoDb(String endpoint, String region) {
            return AwsClients.dynamoDb(endpoint, region);
        }
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ClientFactory clients;

    public SetupCli() {
        this(DEFAULT_CLIENTS);
    }

    public SetupCli(ClientFactory clients) {
        this.clients = clients;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: create or delete");
    }

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-kinesis-setup.xml");
        }
        System.exit(newCommandLine(new SetupCli()).execute(args));
    }

    /** A command line with this tool's error handling (exit codes above). */
    public static CommandLine newCommandLine(SetupCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("kinesis-setup: error: " + message(ex));
            return EXIT_FAILED;
        });
        return cl;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    // ------------------------------------------------------------------ options

    /** Options shared by {@code create} and {@code delete}. */
    public static final class Common {
        @Option(names = "--config", paramLabel = "FILE",
                description = "The job's property-group JSON (MSF format): stream name from "
                        + "FrameSource.stream.arn, table from ScoresSink.table.name, and their aws.region/aws.endpoint; "
                        + "also the dead-letter stream of DeadLetters.stream.arn, if any (1 shard; not with --stream).")
        Path config;

        @Option(names = "--stream", paramLabel = "NAME|ARN",
                description = "Frame stream name (or ARN). Default: from --config, else " + DEFAULT_STREAM_NAME + ".")
        String stream;

        @Option(names = "--table", paramLabel = "NAME",
                description = "Stage-scores table name. Default: from --config, else " + ConfigKeys.DEFAULT_TABLE_NAME + ".")
        String table;

        @Option(names = "--performance-table", paramLabel = "NAME",
                description = "Per-set/per-track table name. Default: from --config, else "
                        + ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME + ".")
        String performanceTable;

        @Option(names = "--region", paramLabel = "REGION",
                description = "AWS region. Default: from --config or the stream ARN, else us-east-1 with an "
                        + "endpoint, else the default region provider chain.")
        String region;

        @Option(names = "--endpoint-kinesis", paramLabel = "URL", description = "Kinesis endpoint (local stand-in).")
        String kinesisEndpoint;

        @Option(names = "--endpoint-dynamodb", paramLabel = "URL", description = "DynamoDB endpoint (local stand-in).")
        String dynamoEndpoint;

        @Option(names = "--skip-stream", description = "Leave the stream alone.")
        boolean skipStream;

        @Option(names = "--skip-table", description = "Leave the tables alone.")
        boolean skipTable;

        @Option(names = "--dashboard", paramLabel = "NAME", defaultValue = CloudWatchDashboard.DEFAULT_NAME,
                description = "CloudWatch dashboard name. Default: ${DEFAULT-VALUE}.")
        String dashboard;

        @Option(names = "--skip-dashboard", description = "Leave the CloudWatch dashboard alone.")
        boolean skipDashboard;

        @Option(names = "--endpoint-cloudwatch", paramLabel = "URL",
                description = "CloudWatch endpoint (local stand-in). Default: from --config (CloudWatch.aws.endpoint).")
        String cloudWatchEndpoint;

        @Option(names = "--application", paramLabel = "NAME", defaultValue = CloudWatchDashboard.DEFAULT_APPLICATION,
                description = "MSF application name, whose operational metrics the dashboard shows. Default: ${DEFAULT-VALUE}.")
        String application;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
                description = "How long to wait for a resource to become ACTIVE or be deleted (e.g. 90s, 5m). Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        /**
         * The property groups of {@code --config}, or none without it.
         *
         * @throws IllegalArgumentException if the file does not exist
         * @throws UncheckedIOException if it cannot be read
         */
        Map<String, Properties> groups() {
            if (config == null) {
                return Map.of();
            }
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("config file not found: " + config);
            }
            try {
                return ApplicationProperties.fromFile(config.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + config + ": " + e.getMessage(), e);
            }
        }

        /**
         * Names, endpoints and regions from the options, falling back to the config file.
         *
         * @throws IllegalArgumentException for unusable values
         * @throws UncheckedIOException if the config file cannot be read
         */
        public Targets resolve() {
            Map<String, Properties> groups = groups();
            Properties source = groups.getOrDefault(ConfigKeys.GROUP_FRAME_SOURCE, new Properties());
            Properties sink = groups.getOrDefault(ConfigKeys.GROUP_SCORES_SINK, new Properties());

            String streamSpec = firstNonBlank(stream, source.getProperty(ConfigKeys.STREAM_ARN), DEFAULT_STREAM_NAME);
            String streamName = StreamArns.isArn(streamSpec) ? StreamArns.streamName(streamSpec) : streamSpec;
            String arnRegion = StreamArns.isArn(streamSpec) ? StreamArns.region(streamSpec) : null;
            String tableName = firstNonBlank(table, sink.getProperty(ConfigKeys.TABLE_NAME), ConfigKeys.DEFAULT_TABLE_NAME);
            String performanceName = firstNonBlank(performanceTable, sink.getProperty(ConfigKeys.PERFORMANCE_TABLE_NAME),
                    ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME);
            String ttlDays = sink.getProperty(ConfigKeys.TTL_DAYS, "0").trim();
            boolean ttl;
            try {
                ttl = Long.parseLong(ttlDays) > 0;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ConfigKeys.GROUP_SCORES_SINK + "." + ConfigKeys.TTL_DAYS
                        + " is not an integer: " + ttlDays);
            }

            String kEndpoint = firstNonBlank(kinesisEndpoint, source.getProperty(ConfigKeys.AWS_ENDPOINT));
            String dEndpoint = firstNonBlank(dynamoEndpoint, sink.getProperty(ConfigKeys.AWS_ENDPOINT));
            String kRegion = firstNonBlank(region, source.getProperty(ConfigKeys.AWS_REGION), arnRegion);
            String dRegion = firstNonBlank(region, sink.getProperty(ConfigKeys.AWS_REGION), kRegion);
            if (skipStream && skipTable && skipDashboard) {
                throw new IllegalArgumentException("--skip-stream, --skip-table and --skip-dashboard together leave nothing to do");
            }
            String deadLetterArn = groups.getOrDefault(ConfigKeys.GROUP_DEAD_LETTERS, new Properties())
                    .getProperty(ConfigKeys.STREAM_ARN);
            String deadLetterStream = skipStream || (stream != null && !stream.isBlank())
                    || deadLetterArn == null || deadLetterArn.isBlank() ? null
                    : StreamArns.isArn(deadLetterArn.trim()) ? StreamArns.streamName(deadLetterArn.trim()) : deadLetterArn.trim();
            return new Targets(skipStream ? null : streamName, skipTable ? null : tableName,
                    skipTable ? null : performanceName, ttl, kEndpoint, kRegion, dEndpoint, dRegion, deadLetterStream);
        }
    }

    /**
     * The CloudWatch dashboard a command works on, from the options and the config file's
     * {@code CloudWatch} group ({@code namespace}, {@code aws.endpoint}, {@code aws.region}), or
     * null with {@code --skip-dashboard}. When the stream or table go to an overridden endpoint
     * (a local stand-in) but CloudWatch has none, the target is {@link DashboardTarget#skipped}:
     * local resources and a dashboard in a real account are never mixed.
     *
     * @param targets the stream and table the command works on
     * @throws IllegalArgumentException for an unusable name
     * @throws UncheckedIOException if the config file cannot be read
     */
    static DashboardTarget resolveDashboard(Common common, Targets targets) {
        if (common.skipDashboard) {
            return null;
        }
        if (common.dashboard == null || !common.dashboard.matches("[A-Za-z0-9_-]{1,255}")) {
            throw new IllegalArgumentException("--dashboard must be 1-255 letters, digits, - or _, not " + common.dashboard);
        }
        Map<String, Properties> groups = common.groups();
        Properties cw = groups.getOrDefault(ConfigKeys.GROUP_CLOUDWATCH, new Properties());
        Properties source = groups.getOrDefault(ConfigKeys.GROUP_FRAME_SOURCE, new Properties());
        String arn = source.getProperty(ConfigKeys.STREAM_ARN);
        String region = firstNonBlank(common.region, cw.getProperty(ConfigKeys.AWS_REGION),
                source.getProperty(ConfigKeys.AWS_REGION), arn != null && StreamArns.isArn(arn) ? StreamArns.region(arn) : null);
        String endpoint = firstNonBlank(common.cloudWatchEndpoint, cw.getProperty(ConfigKeys.AWS_ENDPOINT));
        boolean othersLocal = (targets.streamName != null && targets.kinesisEndpoint != null)
                || (targets.tableName != null && targets.dynamoEndpoint != null);
        String skipped = endpoint == null && othersLocal
                ? "the stream or table endpoint is overridden but CloudWatch's is not (give --endpoint-cloudwatch to put it there)"
                : null;
        return new DashboardTarget(common.dashboard,
                firstNonBlank(cw.getProperty(ConfigKeys.NAMESPACE), ConfigKeys.DEFAULT_NAMESPACE), common.application.trim(),
                endpoint, region, skipped);
    }

    /** The dashboard of a command: name, business-metrics namespace, MSF application, endpoint and region (null: defaults). */
    public static final class DashboardTarget {
        /** Dashboard name. */
        public final String name;
        /** Namespace of the business metrics. */
        public final String namespace;
        /** MSF application name of the operational metrics. */
        public final String application;
        /** CloudWatch endpoint, or null for the real service. */
        public final String endpoint;
        /** CloudWatch region, or null for the default chain (us-east-1 with an endpoint). */
        public final String region;
        /** Why the dashboard is left alone although not {@code --skip-dashboard}, or null. */
        public final String skipped;

        DashboardTarget(String name, String namespace, String application, String endpoint, String region, String skipped) {
            this.name = name;
            this.namespace = namespace;
            this.application = application;
            this.endpoint = endpoint;
            this.region = region;
            this.skipped = skipped;
        }
    }

    /** What a command works on. Null stream/table name: skipped. */
    public static final class Targets {
        public final String streamName;
        public final String tableName;
        /** The per-set/per-track table; null when tables are skipped. */
        public final String performanceTableName;
        /** Whether TTL is turned on for both tables ({@code ScoresSink.ttl.days > 0} in the config). */
        public final boolean ttl;
        public final String kinesisEndpoint;
        public final String kinesisRegion;
        public final String dynamoEndpoint;
        public final String dynamoRegion;
        /**
         * The dead-letter stream ({@code DeadLetters.stream.arn} of the config file, same endpoint
         * and region as the frame stream), or null: none configured, {@code --stream} given, or
         * streams skipped.
         */
        public final String deadLetterStreamName;

        Targets(String streamName, String tableName, String performanceTableName, boolean ttl,
                String kinesisEndpoint, String kinesisRegion, String dynamoEndpoint, String dynamoRegion,
                String deadLetterStreamName) {
            this.deadLetterStreamName = deadLetterStreamName;
            this.streamName = streamName;
            this.tableName = tableName;
            this.performanceTableName = performanceTableName;
            this.ttl = ttl;
            this.kinesisEndpoint = kinesisEndpoint;
            this.kinesisRegion = kinesisRegion;
            this.dynamoEndpoint = dynamoEndpoint;
            this.dynamoRegion = dynamoRegion;
        }
    }

    /** Common plumbing of the two subcommands. */
    abstract static class Sub implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        SetupCli parent;
        @Mixin
        Common common;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Targets targets;
        DashboardTarget dashboard;

        @Override
        public Integer call() {
            try {
                targets = common.resolve();
                dashboard = resolveDashboard(common, targets);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            validate();
            KinesisClient k = null;
            DynamoDbClient d = null;
            CloudWatchClient c = null;
            try {
                if (targets.streamName != null) {
                    k = parent.clients.kinesis(targets.kinesisEndpoint, targets.kinesisRegion);
                }
                if (targets.tableName != null) {
                    d = parent.clients.dynamoDb(targets.dynamoEndpoint, targets.dynamoRegion);
                }
                ResourceSetup setup = new ResourceSetup(k, d, ResourceSetup.DEFAULT_POLL_INTERVAL, common.timeout);
                int exit = execute(setup, spec.commandLine().getOut(), spec.commandLine().getErr());
                if (exit == EXIT_OK && dashboard != null && dashboard.skipped != null) {
                    spec.commandLine().getErr().println("dashboard " + dashboard.name + ": skipped, " + dashboard.skipped);
                    spec.commandLine().getErr().flush();
                } else if (exit == EXIT_OK && dashboard != null) {
                    c = parent.clients.cloudWatch(dashboard.endpoint, dashboard.region);
                    exit = dashboard(new DashboardSetup(c), spec.commandLine().getErr());
                }
                return exit;
            } finally {
                if (k != null) k.close();
                if (d != null) d.close();
                if (c != null) c.close();
            }
        }

        /** The subcommand's work on the CloudWatch dashboard {@link #dashboard}, after the stream and table. */
        abstract int dashboard(DashboardSetup setup, PrintWriter err);

        /** Checks the subcommand's own options; throws {@link CommandLine.ParameterException}. */
        void validate() {}

        abstract int execute(ResourceSetup setup, PrintWriter out, PrintWriter err);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates the frame stream (and the dead-letter stream of the config), the score tables (stage scores with the leaderboard index, "
                    + "per-set/per-track performance scores; TTL when ScoresSink.ttl.days > 0) unless they exist, and waits "
                    + "until they are ACTIVE. Existing ones are left as they are (a missing index is added).",
                    "Prints the stream ARN on standard output.",
                    "Then puts the CloudWatch dashboard (creating or replacing it) unless --skip-dashboard."})
    static final class Create extends Sub {
        @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
                description = "Shards of a new stream (provisioned mode). Default: ${DEFAULT-VALUE}.")
        int shards;

        @Override
        void validate() {
            if (shards < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shards must be >= 1, not " + shards);
            }
        }

        private static void report(PrintWriter err, ProvisionedResource t) {
            err.println("table " + t.name() + ": " + (t.created() ? "created" : "already exists, left as it is")
                    + ", ACTIVE, " + t.arn());
        }

        @Override
        int execute(ResourceSetup setup, PrintWriter out, PrintWriter err) {
            String streamArn = null;
            if (targets.streamName != null) {
                ProvisionedResource s = setup.ensureStream(targets.streamName, shards);
                err.println("stream " + s.name() + ": " + (s.created() ? "created" : "already exists, left as it is")
                        + ", ACTIVE, " + s.arn());
                streamArn = s.arn();
            }
            if (targets.deadLetterStreamName != null) {
                ProvisionedResource s = setup.ensureStream(targets.deadLetterStreamName, 1);
                err.println("dead-letter stream " + s.name() + ": " + (s.created() ? "created" : "already exists, left as it is")
                        + ", ACTIVE, " + s.arn());
            }
            if (targets.tableName != null) {
                report(err, setup.ensureTable(targets.tableName));
                report(err, setup.ensurePerformanceTable(targets.performanceTableName));
                if (targets.ttl) {
                    for (String table : new String[] {targets.tableName, targets.performanceTableName}) {
                        err.println("table " + table + ": TTL on expires_at " + (setup.ensureTtl(table) ? "turned on" : "already on"));
                    }
                }
            }
            err.flush();
            if (streamArn != null) {
                out.println(streamArn);
                out.flush();
            }
            return EXIT_OK;
        }

        @Override
        int dashboard(DashboardSetup setup, PrintWriter err) {
            String region = setup.region();
            boolean existed = setup.put(dashboard.name, CloudWatchDashboard.body(dashboard.namespace, dashboard.application, region));
            err.println("dashboard " + dashboard.name + ": " + (existed ? "replaced" : "created") + " (namespace "
                    + dashboard.namespace + ", application " + dashboard.application + ", region " + region + ")");
            err.flush();
            return EXIT_OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes the frame stream and the score tables and waits until they are gone; "
                    + "missing ones are ignored. Then deletes the CloudWatch dashboard unless --skip-dashboard.")
    static final class Delete extends Sub {
        @Override
        int execute(ResourceSetup setup, PrintWriter out, PrintWriter err) {
            if (targets.streamName != null) {
                boolean deleted = setup.deleteStream(targets.streamName);
                err.println("stream " + targets.streamName + ": " + (deleted ? "deleted" : "did not exist"));
            }
            if (targets.deadLetterStreamName != null) {
                boolean deleted = setup.deleteStream(targets.deadLetterStreamName);
                err.println("dead-letter stream " + targets.deadLetterStreamName + ": " + (deleted ? "deleted" : "did not exist"));
            }
            if (targets.tableName != null) {
                for (String table : new String[] {targets.tableName, targets.performanceTableName}) {
                    boolean deleted = setup.deleteTable(table);
                    err.println("table " + table + ": " + (deleted ? "deleted" : "did not exist"));
                }
            }
            err.flush();
            return EXIT_OK;
        }

        @Override
        int dashboard(DashboardSetup setup, PrintWriter err) {
            boolean deleted = setup.delete(dashboard.name);
            err.println("dashboard " + dashboard.name + ": " + (deleted ? "deleted" : "did not exist"));
            err.flush();
            return EXIT_OK;
        }
    }

    /** picocli converter for {@link Durations}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = Durations.parse(value);
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("duration must be > 0: '" + value + "'");
            }
            return d;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
