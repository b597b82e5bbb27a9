package dev.crowdemotion.analyst;

import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setlist.ScheduleEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code stage-scores timeline|leaderboard|tracks}: reads the score tables the job writes
 * (DynamoDB on AWS, or DynamoDB Local) through the documented access patterns of
 * {@link StageScoreQueries}, and prints them as a table, CSV or JSON ({@link OutputFormat},
 * columns in {@link Reports}).
 *
 * <p>Exit codes: 0 done (also when nothing matched), 1 failed (DynamoDB unreachable, missing
 * table, AWS error), 2 bad options. Reports go to standard output, errors to standard error
 * (one line, no stack trace). Credentials come from the SDK's default provider chain (dummy
 * ones against a local endpoint, see {@link DynamoDbClients}); none are taken as options.
 */
@Command(name = "stage-scores", mixinStandardHelpOptions = true, version = "stage-scores 0.1.0",
        description = "Reads the crowd-emotion score tables: a stage's timeline, a window's leaderboard, an artist's track report.",
        subcommands = {StageScoresCli.Timeline.class, StageScoresCli.Leaderboard.class, StageScoresCli.Tracks.class,
                CommandLine.HelpCommand.class})
public final class StageScoresCli implements Runnable {
    /** Exit code: done (also when nothing matched). */
    public static final int EXIT_OK = 0;
    /** Exit code: failed (DynamoDB unreachable, missing table or index, AWS error, no region or credentials). */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad options (picocli's usage-error code). */
    public static final int EXIT_USAGE = 2;
    /** Timeline range when neither {@code --from} nor {@code --last} is given: the last hour. */
    public static final Duration DEFAULT_TIMELINE_RANGE = Duration.ofHours(1);
    /** Windows {@code leaderboard} looks back for one with a leaderboard when no {@code --window} is given. */
    public static final int DEFAULT_LOOKBACK = 60;

    /** Makes the DynamoDB client; replaceable for tests. */
    public interface ClientFactory {
        /**
         * @param endpoint endpoint URL, or null for AWS
         * @param region   region, or null for the SDK's default
         * @param timeout  limit of one API call including retries
         */
        DynamoDbClient dynamoDb(String endpoint, String region, Duration timeout);
    }

    /** Clients from {@link DynamoDbClients}. */
    public static final ClientFactory DEFAULT_CLIENTS = DynamoDbClients::create;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ClientFactory clients;
    private final Clock clock;

    /** A CLI with real clients and the system clock. */
    public StageScoresCli() {
        this(DEFAULT_CLIENTS, Clock.systemUTC());
    }

    /**
     * @param clients makes the DynamoDB client of a command (closed by the command)
     * @param clock   "now" of the default timeline range and of the latest leaderboard
     */
    public StageScoresCli(ClientFactory clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    /** Without a subcommand: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: timeline, leaderboard or tracks");
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-stage-scores.xml");
        }
        System.exit(newCommandLine(new StageScoresCli()).execute(args));
    }

    /** A command line with this tool's error handling (exit codes above, one-line errors). */
    public static CommandLine newCommandLine(StageScoresCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("stage-scores: error: " + message(ex));
            cmd.getErr().flush();
            return EXIT_FAILED;
        });
        return cl;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    /** A failure with a message for the user (exit code 1). */
    public static final class Failure extends RuntimeException {
        /** @param message the whole message, printed after "stage-scores: error: " */
        public Failure(String message) {
            super(message);
        }
    }

    /** Common plumbing of the subcommands: options, client, error messages. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        StageScoresCli parent;
        @Mixin
        CliOptions options;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        CliOptions.Settings settings;

        @Override
        public Integer call() {
            try {
                settings = options.resolve();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            validate();
            DynamoDbClient client;
            try {
                client = parent.clients.dynamoDb(settings.endpoint, settings.region, settings.timeout);
            } catch (SdkClientException e) {
                if (message(e).startsWith("Unable to load region")) {
                    throw new Failure("no AWS region: give --region, set AWS_REGION, or name one in the config "
                            + "(ScoresSink.aws.region) or the AWS profile");
                }
                throw new Failure("cannot set up the DynamoDB client: " + message(e));
            }
            try (DynamoDbClient c = client) {
                StageScoreQueries queries = new StageScoreQueries(c, settings.table, settings.performanceTable);
                return execute(queries, spec.commandLine().getOut(), spec.commandLine().getErr());
            } catch (ResourceNotFoundException e) {
                throw new Failure("table " + tableRead() + " not found at " + settings.where()
                        + " (create the tables with kinesis-setup create; name them with --table, --performance-table or --config)");
            } catch (DynamoDbException e) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                String text = e.awsErrorDetails() == null ? message(e) : e.awsErrorDetails().errorMessage();
                boolean index = text != null && text.contains("index");
                throw new Failure("DynamoDB at " + settings.where() + " refused the query on " + tableRead()
                        + (code == null ? "" : " (" + code + ")") + ": " + text
                        + (index ? " (kinesis-setup create adds a missing index)" : ""));
            } catch (SdkClientException e) {
                throw new Failure(clientFailure(e));
            }
        }

        /** "'name'" of the table (and index) the subcommand reads, for messages. */
        abstract String tableRead();

        private String clientFailure(SdkClientException e) {
            if (e instanceof ApiCallTimeoutException) {
                return "no answer from DynamoDB at " + settings.where() + " within " + settings.timeout.toSeconds()
                        + " s (--timeout)";
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConnectException || t instanceof NoRouteToHostException
                        || t instanceof UnknownHostException || t instanceof SocketTimeoutException
                        || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                    return "cannot connect to DynamoDB at " + settings.where() + ": " + message(t)
                            + (settings.endpoint != null ? " (is DynamoDB Local running there?)" : "");
                }
            }
            if (message(e).startsWith("Unable to load credentials")) {
                return "no AWS credentials for DynamoDB at " + settings.where() + ": the default provider chain "
                        + "(environment, system properties, web identity, profile, container, instance role) found none";
            }
            return "DynamoDB request to " + settings.where() + " failed: " + message(e);
        }

        /** Checks the subcommand's own options; throws {@link CommandLine.ParameterException}. */
        void validate() {}

        /** Runs the queries and writes the report; returns the exit code. */
        abstract int execute(StageScoreQueries queries, PrintWriter out, PrintWriter err);

        CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    // ------------------------------------------------------------------ timeline

    /** Access pattern 1: one stage's windows over a time range, oldest first. */
    @Command(name = "timeline", mixinStandardHelpOptions = true,
            description = {"One stage's window scores over a time range (window start within [from, to], both inclusive), oldest first.",
                    "T is an ISO-8601 instant (2026-07-04T18:00:00Z, or with an offset) or epoch milliseconds. "
                            + "Default range: the last hour. --last D with --to: [to - D, to]; with --from: [from, from + D]."})
    static final class Timeline extends Sub {
        @Option(names = "--stage", paramLabel = "ID", required = true, description = "The stage (stage_id).")
        String stage;

        @Option(names = "--from", paramLabel = "T", converter = CliOptions.InstantConverter.class,
                description = "Earliest window start (inclusive).")
        Long from;

        @Option(names = "--to", paramLabel = "T", converter = CliOptions.InstantConverter.class,
                description = "Latest window start (inclusive). Default: now, or --from + --last.")
        Long to;

        @Option(names = "--last", paramLabel = "DURATION", converter = CliOptions.DurationConverter.class,
                description = "Length of the range (e.g. 15m, 2h). Default: 1h when --from is not given.")
        Duration last;

        long fromMs;
        long toMs;

        @Override
        void validate() {
            if (stage.isBlank()) {
                throw usage("--stage must not be empty");
            }
            if (from != null && to != null && last != null) {
                throw usage("give at most two of --from, --to and --last");
            }
            long now = parent.clock.millis();
            if (from != null && to != null) {
                fromMs = from;
                toMs = to;
            } else if (from != null) {
                fromMs = from;
                toMs = last != null ? from + last.toMillis() : now;
            } else {
                toMs = to != null ? to : now;
                fromMs = toMs - (last != null ? last : DEFAULT_TIMELINE_RANGE).toMillis();
            }
            if (fromMs > toMs) {
                throw usage("--from (" + Instants.iso(fromMs) + ") is after --to (" + Instants.iso(toMs) + ")");
            }
        }

        @Override
        String tableRead() {
            return "'" + settings.table + "'";
        }

        @Override
        int execute(StageScoreQueries queries, PrintWriter out, PrintWriter err) {
            List<StageWindowScore> windows = queries.timeline(stage.trim(), fromMs, toMs);
            String range = Instants.iso(fromMs) + " to " + Instants.iso(toMs);
            if (settings.format == OutputFormat.TABLE && !windows.isEmpty()) {
                out.println("stage " + stage.trim() + ": " + windows.size() + " window" + (windows.size() == 1 ? "" : "s")
                        + " starting " + range);
            }
            settings.format.write(out, Reports.windowColumns(false, false), Reports.unranked(windows),
                    "stage " + stage.trim() + ": no windows starting " + range);
            return EXIT_OK;
        }
    }

    // ------------------------------------------------------------------ leaderboard

    /** Access pattern 2: the stages of one window ranked by energy. */
    @Command(name = "leaderboard", mixinStandardHelpOptions = true,
            description = {"The stages of one window ranked by energy, highest first (stages without enriched faces in the "
                    + "window have no energy and are not listed).",
                    "Default window: the newest one, at or before now, that has a leaderboard, looking back --lookback windows."})
    static final class Leaderboard extends Sub {
        @Option(names = "--window", paramLabel = "T", converter = CliOptions.InstantConverter.class,
                description = "A window's start (ISO-8601 or epoch ms); an instant inside a window means the window "
                        + "starting at or before it on the --slide grid.")
        Long window;

        @Option(names = "--slide", paramLabel = "DURATION", converter = CliOptions.DurationConverter.class,
                description = "Distance between window starts. Default: Aggregation.window.slide.ms, else window.size.ms "
                        + "from --config, else 10s.")
        Duration slide;

        @Option(names = "--lookback", paramLabel = "N", defaultValue = "" + DEFAULT_LOOKBACK,
                description = "Windows to look back for the latest leaderboard (one query each). Default: ${DEFAULT-VALUE}.")
        int lookback;

        long slideMs;

        @Override
        void validate() {
            if (lookback < 1) {
                throw usage("--lookback must be >= 1, not " + lookback);
            }
            slideMs = slide != null ? slide.toMillis()
                    : settings.configSlideMs != null ? settings.configSlideMs : CliOptions.DEFAULT_SLIDE_MS;
            if (slideMs <= 0) {
                throw usage("--slide must be at least 1 ms");
            }
        }

        @Override
        String tableRead() {
            return "'" + settings.table + "' (index by-window)";
        }

        @Override
        int execute(StageScoreQueries queries, PrintWriter out, PrintWriter err) {
            List<StageWindowScore> board;
            String note;
            if (window != null) {
                long start = Math.floorDiv(window, slideMs) * slideMs;
                board = queries.leaderboard(start);
                note = "window starting " + Instants.iso(start) + ": no stage with enriched faces";
            } else {
                long now = parent.clock.millis();
                Optional<List<StageWindowScore>> latest = queries.latestLeaderboard(now, slideMs, lookback);
                board = latest.orElse(List.of());
                note = "no leaderboard in the " + lookback + " windows of " + slideMs + " ms up to " + Instants.iso(now);
            }
            if (settings.format == OutputFormat.TABLE && !board.isEmpty()) {
                StageWindowScore first = board.get(0);
                out.println("window " + Instants.iso(first.getWindowStartMs()) + " to "
                        + Instants.shortEnd(first.getWindowStartMs(), first.getWindowEndMs()) + ": " + board.size()
                        + " stage" + (board.size() == 1 ? "" : "s") + " ranked by energy");
            }
            settings.format.write(out, Reports.windowColumns(true, true), Reports.ranked(board), note);
            return EXIT_OK;
        }
    }

    // ------------------------------------------------------------------ tracks

    /** Access pattern 3: an artist's set and track summaries. */
    @Command(name = "tracks", mixinStandardHelpOptions = true,
            description = "An artist's track report: each set's summary, then its tracks' in play order (all sets, or one with --set).")
    static final class Tracks extends Sub {
        @Option(names = "--artist", paramLabel = "NAME", required = true, description = "The artist, exactly as in the setlist.")
        String artist;

        @Option(names = "--set", paramLabel = "ID", description = "Only this set (set_id).")
        String set;

        @Override
        void validate() {
            if (artist.isBlank()) {
                throw usage("--artist must not be empty");
            }
            if (set != null && set.isBlank()) {
                throw usage("--set must not be empty");
            }
        }

        @Override
        String tableRead() {
            return "'" + settings.performanceTable + "'";
        }

        @Override
        int execute(StageScoreQueries queries, PrintWriter out, PrintWriter err) {
            String setId = set == null ? null : set.trim();
            List<PerformanceScore> rows = queries.performances(artist, setId);
            if (settings.format == OutputFormat.TABLE && !rows.isEmpty()) {
                long sets = rows.stream().filter(p -> p.getKind() == ScheduleEvent.Kind.SET).count();
                long tracks = rows.size() - sets;
                out.println("artist " + artist + ": " + sets + " set" + (sets == 1 ? "" : "s") + ", " + tracks + " track"
                        + (tracks == 1 ? "" : "s"));
            }
            settings.format.write(out, Reports.performanceColumns(), rows,
                    "artist " + artist + ": no set" + (setId == null ? "" : " " + setId) + " summaries");
            return EXIT_OK;
        }
    }
}
