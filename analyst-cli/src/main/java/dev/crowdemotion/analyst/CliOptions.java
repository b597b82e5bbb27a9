package dev.crowdemotion.analyst;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The options every {@code stage-scores} subcommand takes, and how they combine with the job's
 * configuration file: an option wins over the file, the file over the defaults.
 */
public final class CliOptions {
    /** Window slide used when neither {@code --slide} nor the configuration gives one: 10 s. */
    public static final long DEFAULT_SLIDE_MS = ConfigKeys.DEFAULT_WINDOW_SIZE_MS;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The job's property-group JSON (MSF format, e.g. config/local.json): tables, aws.region and "
                    + "aws.endpoint from the ScoresSink group, the window slide from Aggregation.")
    Path config;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region. Default: from --config, else us-east-1 with an endpoint, else the SDK's default region chain.")
    String region;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local. Default: from --config, else AWS.")
    String endpoint;

    @Option(names = "--table", paramLabel = "NAME",
            description = "Stage-scores table. Default: from --config, else " + ConfigKeys.DEFAULT_TABLE_NAME + ".")
    String table;

    @Option(names = "--performance-table", paramLabel = "NAME",
            description = "Per-set/per-track table. Default: from --config, else " + ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME + ".")
    String performanceTable;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
            description = "table (a readable subset of the columns), csv (RFC 4180, all columns) or json (an array of "
                    + "objects, all columns). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Limit of each DynamoDB request, retries included (e.g. 10s, 1m). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** What the options and the configuration file resolve to. */
    public static final class Settings {
        /** Stage-scores table name. */
        public final String table;
        /** Performance-scores table name. */
        public final String performanceTable;
        /** DynamoDB endpoint URL, or null for AWS. */
        public final String endpoint;
        /** Region, or null for the SDK's default chain. */
        public final String region;
        /** Window slide from the configuration ({@code window.slide.ms}, else {@code window.size.ms}), ms; null if it has none. */
        public final Long configSlideMs;
        /** Output format. */
        public final OutputFormat format;
        /** Limit of one DynamoDB call, retries included. */
        public final Duration timeout;

        Settings(String table, String performanceTable, String endpoint, String region, Long configSlideMs,
                 OutputFormat format, Duration timeout) {
            this.table = table;
            this.performanceTable = performanceTable;
            this.endpoint = endpoint;
            this.region = region;
            this.configSlideMs = configSlideMs;
            this.format = format;
            this.timeout = timeout;
        }

        /** Where requests go, for messages: the endpoint, or "AWS" with the region. */
        public String where() {
            if (endpoint != null) {
                return endpoint;
            }
            return region != null ? "AWS (" + region + ")" : "AWS";
        }
    }

    /**
     * Resolves the options against the configuration file.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable or holds unusable values
     */
    public Settings resolve() {
        Map<String, Properties> groups = Map.of();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("config file not found: " + config);
            }
            try {
                groups = ApplicationProperties.fromFile(config.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + config + ": " + e.getMessage());
            }
        }
        Properties sink = groups.getOrDefault(ConfigKeys.GROUP_SCORES_SINK, new Properties());
        Properties aggregation = groups.getOrDefault(ConfigKeys.GROUP_AGGREGATION, new Properties());
        String tableName = firstNonBlank(table, sink.getProperty(ConfigKeys.TABLE_NAME), ConfigKeys.DEFAULT_TABLE_NAME);
        String performanceName = firstNonBlank(performanceTable, sink.getProperty(ConfigKeys.PERFORMANCE_TABLE_NAME),
                ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME);
        String ep = firstNonBlank(endpoint, sink.getProperty(ConfigKeys.AWS_ENDPOINT));
        if (ep != null) {
            DynamoDbClients.endpointUri(ep);
        }
        String r = firstNonBlank(region, sink.getProperty(ConfigKeys.AWS_REGION));
        Long slide = positiveMs(aggregation, ConfigKeys.WINDOW_SLIDE_MS);
        if (slide == null) {
            slide = positiveMs(aggregation, ConfigKeys.WINDOW_SIZE_MS);
        }
        return new Settings(tableName, performanceName, ep, r, slide, format == null ? OutputFormat.TABLE : format,
                timeout == null ? Duration.ofSeconds(30) : timeout);
    }

    private static Long positiveMs(Properties group, String key) {
        String v = group.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long ms = Long.parseLong(v.trim());
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(ConfigKeys.GROUP_AGGREGATION + "." + key + " must be a positive number of ms, not '" + v + "'");
    }

    static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /** picocli converter for {@link OutputFormat#parse}. */
    public static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli converter for {@link Durations#parse} (e.g. {@code 90s}, {@code 1h30m}, {@code PT5M}); must be > 0. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.isZero() || d.isNegative()) {
                throw new CommandLine.TypeConversionException("duration must be > 0: '" + value + "'");
            }
            return d;
        }
    }

    /** picocli converter for {@link Instants#parseEpochMs}: an instant as epoch ms UTC. */
    public static final class InstantConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Instants.parseEpochMs(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
