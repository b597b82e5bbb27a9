package dev.crowdemotion.local.demo;

import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.local.dashboard.Dashboard;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.simulator.RetryPolicy;
import dev.crowdemotion.simulator.EdgeCamera;
import dev.crowdemotion.job.detection.FrameCrops;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.simulator.CameraSimulator;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.config.Durations;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.simulator.KinesisFrameWriter;
import dev.crowdemotion.simulator.PhotoFrames;
import dev.crowdemotion.simulator.SimClock;
import dev.crowdemotion.simulator.SimulationReport;
import dev.crowdemotion.simulator.StreamRef;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The one-command local run: starts the local stack, the camera simulator (one photo folder per
 * stage under {@code data/stages}) and the job on a Flink mini-cluster, and prints each stage's
 * scores from DynamoDB as windows close, until stopped (Ctrl-C) or for {@code --duration}.
 */
@Command(name = "run-local", mixinStandardHelpOptions = true,
        description = "Run the crowd-emotion job on a Flink mini-cluster against local AWS stand-ins.")
public final class LocalDemo implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Job configuration (property groups). Default: config/local.json.")
    Path config;

    @Option(names = "--stages-dir", paramLabel = "DIR",
            description = "One sub-folder of photos per stage. Default: data/stages.")
    Path stagesDir;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long, e.g. 120s or 5m. Default: run until Ctrl-C.")
    String duration;

    @Option(names = "--cameras-per-stage", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
    int camerasPerStage;

    @Option(names = "--fps", defaultValue = "1", description = "Frames per second per camera. Default: ${DEFAULT-VALUE}.")
    double fps;

    @Option(names = "--photos", description = "Send the stage photos as they are instead of composed crowd frames.")
    boolean plainPhotos;

    @Option(names = "--faces-min", defaultValue = "3", description = "Crowd: fewest faces per frame. Default: ${DEFAULT-VALUE}.")
    int facesMin;

    @Option(names = "--faces-max", defaultValue = "8", description = "Crowd: most faces per frame. Default: ${DEFAULT-VALUE}.")
    int facesMax;

    @Option(names = "--detector", paramLabel = "MODE",
            description = "Where faces are detected: embedded (BlazeFace in the job), sagemaker (the model server behind "
                    + "the SageMaker stand-in) or edge (the simulated cameras detect and send face records). "
                    + "Default: Detection.detector of the configuration.")
    String detector;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--setlist", paramLabel = "FILE",
            description = "Setlist with times relative to the run's start (JSON Lines, docs/scores.md); shifted to the "
                    + "first window boundary after start and read by the job's file source. Default: data/setlists/local-demo.jsonl.")
    Path setlist;

    @Option(names = "--no-setlist", description = "Run without a setlist (no artist/track per window, no per-track summaries).")
    boolean noSetlist;

    @Option(names = "--dashboard-port", paramLabel = "PORT", defaultValue = "" + Dashboard.DEFAULT_PORT,
            description = "Port of the live dashboard on 127.0.0.1 (0 = any free port; a port in use falls back to a free one). "
                    + "Default: ${DEFAULT-VALUE}.")
    int dashboardPort;

    /** Runs the demo; see {@link LocalDemo}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = repositoryRoot();
        Path configFile = config != null ? config : root.resolve("config/local.json");
        Path stages = stagesDir != null ? stagesDir : root.resolve("data/stages");
        Duration runFor = duration == null ? null : Durations.parse(duration);

        Map<String, Properties> groups = ApplicationProperties.fromFile(configFile.toString());
        if (detector != null) {
            groups.computeIfAbsent(ConfigKeys.GROUP_DETECTION, g -> new Properties())
                    .setProperty(ConfigKeys.DETECTOR, DetectorMode.parse(detector).value());
        }
        if (!noSetlist) {
            Path relative = setlist != null ? setlist : root.resolve("data/setlists/local-demo.jsonl");
            long windowMs = new CrowdEmotionConfig(groups).windowSizeMs();
            long start = (System.currentTimeMillis() / windowMs + 1) * windowMs;
            Path absolute = Setlists.shift(relative, start, Files.createTempFile("crowd-emotion-setlist-", ".jsonl"));
            absolute.toFile().deleteOnExit();
            groups.computeIfAbsent(ConfigKeys.GROUP_SETLIST, g -> new Properties())
                    .setProperty(ConfigKeys.FILE_PATH, absolute.toString());
            System.out.printf("Setlist: %s, from %s%n", relative.getFileName(), Instant.ofEpochMilli(start));
        }
        System.out.println("Starting the local stack (kinesis-mock, DynamoDB Local, Rekognition and SageMaker stand-ins)...");
        try (LocalStack stack = LocalStack.start(groups);
             BlazeFaceDetector edgeDetector = stack.config().detectorMode() == DetectorMode.EDGE
                     ? BlazeFaceDetector.load(DetectorOptions.builder().minScore((float) stack.config().minScore()).build())
                     : null;
             Dashboard dashboard = Dashboard.start(stack.dynamoDb(), stack.config(), dashboardPort)) {
            System.out.printf("  Kinesis %s, DynamoDB %s, Rekognition %s, SageMaker Runtime %s (model server %s)%n",
                    stack.kinesisEmulator().endpoint(), stack.dynamoDbServer().endpoint(), stack.rekognition().endpoint(),
                    stack.sageMaker().endpoint(), stack.modelServer().uri());
            System.out.println(dashboard.banner());
            DetectorMode mode = stack.config().detectorMode();
            System.out.println("  Face detection: " + mode.value() + (mode == DetectorMode.EDGE
                    ? " (the cameras send face crops)" : mode == DetectorMode.SAGEMAKER
                    ? " (endpoint " + stack.config().sageMakerEndpointName() + ")" : " (BlazeFace in the job)"));
            KinesisFrameWriter writer = edgeDetector == null
                    ? new KinesisFrameWriter(stack.kinesis(), StreamRef.name(stack.streamName()))
                    : new KinesisFrameWriter(stack.kinesis(), StreamRef.name(stack.streamName()), RetryPolicy.defaults(),
                            Thread::sleep, new Random(), new EdgeCamera(edgeDetector, FrameCrops.encoder(stack.config())));

            Map<String, FrameGenerator> generators = generators(stages);
            CameraSimulator simulator = CameraSimulator.builder()
                    .stages(generators)
                    .camerasPerStage(camerasPerStage)
                    .fps(fps)
                    .duration(runFor != null ? runFor : Duration.ofDays(365))
                    .sink(writer)
                    .clock(SimClock.system())
                    .build();
            System.out.printf("Camera simulator: stages %s, %d cameras each, %.1f fps, %s frames%n",
                    generators.keySet(), camerasPerStage, fps, plainPhotos ? "photo" : "crowd");
            CompletableFuture<SimulationReport> simulation = CompletableFuture.supplyAsync(simulator::run);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            env.enableCheckpointing(10_000);
            CrowdEmotionPipeline.attachSinks(CrowdEmotionPipeline.fromKinesis(env, stack.config()), stack.config());
            JobClient job = env.executeAsync("crowd-emotion (local)");
            System.out.printf("Flink job %s running on a mini-cluster (parallelism %d); windows of %d s.%n"
                            + "Stage scores appear below as windows close (mean Rekognition confidence 0-100 per emotion).%n",
                    job.getJobID(), parallelism, stack.config().windowSizeMs() / 1000);

            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            ScoreBoard board = new ScoreBoard(stack.dynamoDb(), stack.config().tableName(),
                    stack.config().performanceTableName(), System.out);
            long end = runFor == null ? Long.MAX_VALUE : System.currentTimeMillis() + runFor.toMillis();
            while (System.currentTimeMillis() < end && !stop.await(2, TimeUnit.SECONDS)) {
                board.printUpdates();
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    System.err.println("The job ended: " + job.getJobStatus().get());
                    break;
                }
            }
            simulator.stop();
            board.printUpdates();
            SimulationReport report = simulation.get(30, TimeUnit.SECONDS);
            System.out.printf("%nSimulator: %s%nRekognition stand-in: %s%n", report.summary(), stack.rekognition().counters());
            if (stack.cloudWatch() != null && stack.config().cloudWatchEnabled()) {
                var series = stack.cloudWatch().series();
                System.out.printf("CloudWatch stand-in: %d metric series, %d datapoints in namespace %s%n", series.size(),
                        series.stream().mapToInt(m -> m.datapoints().size()).sum(), stack.config().cloudWatchNamespace());
            }
            if (mode == DetectorMode.SAGEMAKER) {
                System.out.printf("SageMaker Runtime stand-in: %s%n", stack.sageMaker().counters());
            }
            job.cancel().get(30, TimeUnit.SECONDS);
            return report.ok() ? 0 : 1;
        }
    }

    private Map<String, FrameGenerator> generators(Path stagesRoot) throws Exception {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(stagesRoot)) {
            s.filter(Files::isDirectory).sorted().forEach(dirs::add);
        }
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("no stage folders in " + stagesRoot);
        }
        Map<String, FrameGenerator> generators = new LinkedHashMap<>();
        for (Path dir : dirs) {
            String stage = dir.getFileName().toString();
            generators.put(stage, plainPhotos ? PhotoFrames.fromDirectory(dir)
                    : CrowdComposer.fromDirectory(dir, CrowdComposer.Settings.defaults()
                            .faces(facesMin, facesMax).seed(stage.hashCode())));
        }
        return generators;
    }

    /** The repository root: the nearest directory up from the working directory with {@code config/local.json}. */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q.resolve("config/local.json"))) {
                return q;
            }
        }
        return p;
    }
}
