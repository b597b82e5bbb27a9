package dev.crowdemotion.simulator;

import dev.crowdemotion.config.Durations;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceCropEncoder;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code camera-simulator}: streams simulated camera frames into a Kinesis stream (AWS or a local
 * emulator). Exit codes: 0 every frame sent, 1 some frames failed or a fatal error, 2 bad options.
 * The run summary (frames, records, faces and bytes into Kinesis) goes to standard output, logs to
 * standard error.
 *
 * <p>With {@code --edge} the cameras detect faces themselves ({@link EdgeCamera}) and send
 * {@code "face"} records instead of frames; {@code --min-score}, {@code --crop-margin},
 * {@code --crop-min-side} and {@code --crop-jpeg-quality} (defaults: the job's, from
 * {@link ConfigKeys}) must equal the job's Detection settings for the crops to be those the job
 * would make, and are usage errors without {@code --edge}.
 */
@Command(name = "camera-simulator", mixinStandardHelpOptions = true, version = "camera-simulator 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Streams frames of simulated festival cameras into a Kinesis stream: N cameras per stage, "
                + "M stages, F frames/s per camera, from a folder of photos (cycled) or, with --crowd, composed crowds.",
                "Frames over the 1 MiB record limit are recompressed/downscaled to fit.",
                "With --edge, cameras detect faces themselves and send one \"face\" record per face instead of the frame."})
public final class SimulatorCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /** Folder used when --images is not given, looked up from the working directory upwards. */
    public static final String DEFAULT_IMAGES = "data/images";

    /** Makes the Kinesis client; replaceable in tests. */
    public interface KinesisClientFactory {
        KinesisClient create(String endpoint, String region);
    }

    static final class StreamOption {
        @Option(names = "--stream", paramLabel = "NAME", required = true, description = "Target stream name.")
        String name;
        @Option(names = "--stream-arn", paramLabel = "ARN", required = true, description = "Target stream ARN.")
        String arn;
        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The job's property-group JSON: stream from FrameSource.stream.arn, and its aws.endpoint/aws.region "
                        + "unless --endpoint/--region are given.")
        Path config;
    }

    static final class RunLength {
        @Option(names = "--duration", paramLabel = "DURATION", required = true, converter = DurationConverter.class,
                description = "Run time, e.g. 90s, 5m, 1h30m.")
        Duration duration;
        @Option(names = "--frames", paramLabel = "K", required = true, description = "Frames per camera.")
        Long frames;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    StreamOption stream;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Kinesis endpoint override (local emulator, e.g. http://127.0.0.1:4568).")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region. Default: the stream ARN's, else us-east-1 with --endpoint, else the default region chain.")
    String region;

    @Option(names = "--stages", paramLabel = "M", description = "Stages stage-1..stage-M, all from --images. Default: 2 (or the number of --stage).")
    Integer stages;

    @Option(names = "--stage", paramLabel = "NAME=DIR",
            description = "A stage and its own photo folder (repeatable), so stages differ. Replaces --stages/--images.")
    Map<String, Path> stageDirs = new LinkedHashMap<>();

    @Option(names = "--cameras-per-stage", paramLabel = "N", defaultValue = "2", description = "Cameras per stage. Default: ${DEFAULT-VALUE}.")
    int camerasPerStage;

    @Option(names = "--fps", paramLabel = "F", defaultValue = "1", description = "Frames per second per camera. Default: ${DEFAULT-VALUE}.")
    double fps;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RunLength runLength;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Photo folder (JPEG/PNG). Default: " + DEFAULT_IMAGES + " in the working directory or a parent.")
    Path images;

    @Option(names = "--crowd", description = "Compose crowd frames from the faces found in the photos.")
    boolean crowd;

    @Option(names = "--faces-min", paramLabel = "A", defaultValue = "4", description = "Crowd: fewest faces per frame. Default: ${DEFAULT-VALUE}.")
    int facesMin;

    @Option(names = "--faces-max", paramLabel = "B", defaultValue = "12", description = "Crowd: most faces per frame. Default: ${DEFAULT-VALUE}.")
    int facesMax;

    @Option(names = "--face-min-px", paramLabel = "PX", defaultValue = "60", description = "Crowd: smallest face width. Default: ${DEFAULT-VALUE}.")
    int faceMinPx;

    @Option(names = "--face-max-px", paramLabel = "PX", defaultValue = "200", description = "Crowd: largest face width. Default: ${DEFAULT-VALUE}.")
    int faceMaxPx;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "1280", description = "Crowd: frame width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", paramLabel = "PX", defaultValue = "720", description = "Crowd: frame height. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(names = "--backdrop", paramLabel = "KIND", defaultValue = "auto",
            description = "Crowd: auto (face-free photos of the folder, else generated), photos, or generated. Default: ${DEFAULT-VALUE}.")
    String backdrop;

    @Option(names = "--jpeg-quality", paramLabel = "Q",
            description = "JPEG quality in (0,1]. Crowd default 0.8; photos are sent as they are unless given.")
    Float jpegQuality;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the crowd composition. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "8",
            description = "PutRecords attempts per record (throttling/internal failures are retried with backoff). Default: ${DEFAULT-VALUE}.")
    int maxAttempts;

    @Option(names = "--edge",
            description = "Edge cameras: run BlazeFace on every frame (on the JPEG it would send) and send one \"face\" record "
                    + "per face (its crop, as the job would make it) or one no-face record, instead of the frame.")
    boolean edge;

    @Option(names = "--min-score", paramLabel = "S", defaultValue = "" + ConfigKeys.DEFAULT_MIN_SCORE,
            description = "Edge: minimum detector score, 0..1 (as the job's Detection min.score). Default: ${DEFAULT-VALUE}.")
    double minScore;

    @Option(names = "--crop-margin", paramLabel = "F", defaultValue = "" + ConfigKeys.DEFAULT_CROP_MARGIN,
            description = "Edge: margin around a face box on every side, fraction of the box size (as crop.margin). "
                    + "Default: ${DEFAULT-VALUE}.")
    double cropMargin;

    @Option(names = "--crop-min-side", paramLabel = "PX", defaultValue = "" + ConfigKeys.DEFAULT_CROP_MIN_SIDE_PX,
            description = "Edge: crops are enlarged to at least this shorter side, 1..4096 pixels (as crop.min.side.px). "
                    + "Default: ${DEFAULT-VALUE}.")
    int cropMinSide;

    @Option(names = "--crop-jpeg-quality", paramLabel = "Q", defaultValue = "" + ConfigKeys.DEFAULT_CROP_JPEG_QUALITY,
            description = "Edge: JPEG quality of the crops in (0,1] (as crop.jpeg.quality). Default: ${DEFAULT-VALUE}.")
    double cropJpegQuality;

    /** Options that only mean something with {@code --edge}. */
    static final String[] EDGE_ONLY = {"--min-score", "--crop-margin", "--crop-min-side", "--crop-jpeg-quality"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final KinesisClientFactory clients;
    private boolean shutdownHook;

    public SimulatorCli() {
        this(AwsClients::kinesis);
    }

    public SimulatorCli(KinesisClientFactory clients) {
        this.clients = clients;
    }

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-camera-simulator.xml");
        }
        SimulatorCli cli = new SimulatorCli();
        cli.shutdownHook = true;
        System.exit(newCommandLine(cli).execute(args));
    }

    /** A command line with this tool's error handling (exit codes above). */
    public static CommandLine newCommandLine(SimulatorCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("camera-simulator: error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return EXIT_FAILED;
        });
        return cl;
    }

    /** The plan after validation: stage -> photo folder, in order. */
    public Map<String, Path> stagePlan() {
        Map<String, Path> plan = new LinkedHashMap<>();
        if (!stageDirs.isEmpty()) {
            if (stages != null && stages != stageDirs.size()) {
                throw usage("--stages " + stages + " disagrees with the " + stageDirs.size() + " --stage option(s)");
            }
            if (images != null) {
                throw usage("--images and --stage exclude each other (give each stage its folder)");
            }
            plan.putAll(stageDirs);
        } else {
            int m = stages == null ? 2 : stages;
            if (m < 1 || m > 100) throw usage("--stages must be 1..100, not " + m);
            Path dir = images != null ? images : defaultImages();
            for (int i = 1; i <= m; i++) plan.put("stage-" + i, dir);
        }
        for (Map.Entry<String, Path> e : plan.entrySet()) {
            if (!FrameCodec.isValidId(e.getKey())) {
                throw usage("stage name '" + e.getKey() + "' must match " + FrameCodec.ID_PATTERN.pattern());
            }
            if (!FrameCodec.isValidId(CameraSimulator.cameraId(e.getKey(), Math.max(1, camerasPerStage)))) {
                throw usage("stage name '" + e.getKey() + "' is too long for camera ids");
            }
            if (!Files.isDirectory(e.getValue())) {
                throw usage("photo folder of stage " + e.getKey() + " not found: " + e.getValue());
            }
        }
        return plan;
    }

    /** Checks option values and combinations; throws picocli's ParameterException (exit code 2). */
    void validate() {
        if (camerasPerStage < 1 || camerasPerStage > 1000) throw usage("--cameras-per-stage must be 1..1000, not " + camerasPerStage);
        if (!(fps > 0) || fps > 100) throw usage("--fps must be in (0, 100], not " + fps);
        if (runLength != null && runLength.frames != null && runLength.frames < 1) throw usage("--frames must be >= 1");
        if (jpegQuality != null && !(jpegQuality > 0 && jpegQuality <= 1)) throw usage("--jpeg-quality must be in (0, 1]");
        if (maxAttempts < 1 || maxAttempts > 100) throw usage("--max-attempts must be 1..100");
        target();
        if (crowd) {
            try {
                crowdSettings().validate();
            } catch (IllegalArgumentException e) {
                throw usage("crowd options: " + e.getMessage());
            }
        } else {
            String[] crowdOnly = {"--faces-min", "--faces-max", "--face-min-px", "--face-max-px", "--width", "--height",
                    "--backdrop", "--seed"};
            for (String o : crowdOnly) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) throw usage(o + " needs --crowd");
            }
        }
        if (edge) {
            if (!(minScore >= 0 && minScore <= 1)) throw usage("--min-score must be in [0, 1], not " + minScore);
            if (cropMinSide > 4096) throw usage("--crop-min-side must be 1..4096, not " + cropMinSide);
            try {
                edgeCrops();
            } catch (IllegalArgumentException e) {
                throw usage("edge options: " + e.getMessage());
            }
        } else {
            for (String o : EDGE_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) throw usage(o + " needs --edge");
            }
        }
    }

    /**
     * The crop settings of --edge, narrowed to float as the job narrows its Detection settings.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    FaceCropEncoder edgeCrops() {
        return new FaceCropEncoder((float) cropMargin, cropMinSide, (float) cropJpegQuality);
    }

    /** The detector options of --edge: the defaults with --min-score, as the job builds them. */
    DetectorOptions edgeDetectorOptions() {
        return DetectorOptions.builder().minScore((float) minScore).build();
    }

    CrowdComposer.Settings crowdSettings() {
        CrowdComposer.Backdrop b;
        try {
            b = CrowdComposer.Backdrop.valueOf(backdrop.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backdrop must be auto, photos or generated, not '" + backdrop + "'");
        }
        return CrowdComposer.Settings.defaults().size(width, height).faces(facesMin, facesMax)
                .faceSize(faceMinPx, faceMaxPx).jpegQuality(jpegQuality == null ? 0.8f : jpegQuality)
                .seed(seed).backdrop(b);
    }

    @Override
    public Integer call() throws IOException {
        validate();
        Map<String, Path> plan = stagePlan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        Map<String, FrameGenerator> generators = new LinkedHashMap<>();
        Map<Path, FrameGenerator> byDir = new LinkedHashMap<>();
        BlazeFaceDetector detector = null;
        try {
            for (Map.Entry<String, Path> e : plan.entrySet()) {
                Path dir = e.getValue().toAbsolutePath().normalize();
                FrameGenerator g = byDir.get(dir);
                if (g == null) {
                    if (crowd) {
                        if (detector == null) detector = BlazeFaceDetector.loadDefault();
                        try {
                            g = CrowdComposer.fromDirectory(dir, detector, crowdSettings());
                        } catch (IllegalArgumentException ex) {
                            throw usage("stage " + e.getKey() + ": " + ex.getMessage());
                        }
                    } else {
                        g = PhotoFrames.fromDirectory(dir, jpegQuality == null ? 0f : jpegQuality);
                    }
                    byDir.put(dir, g);
                }
                generators.put(e.getKey(), g);
            }
        } finally {
            if (detector != null) detector.close();
        }

        Target t = target();
        StreamRef ref = t.stream;
        String endpoint = t.endpoint;
        // edge mode: one detector for all cameras (thread-safe), loaded once, closed after the run
        BlazeFaceDetector edgeDetector = edge ? BlazeFaceDetector.load(edgeDetectorOptions()) : null;
        try (KinesisClient client = clients.create(t.endpoint, t.region)) {
            RecordEncoder records = edge ? new EdgeCamera(edgeDetector, edgeCrops()) : RecordEncoder.fullFrame();
            KinesisFrameWriter writer = new KinesisFrameWriter(client, ref,
                    new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(5)), Thread::sleep, new Random(),
                    records);
            CameraSimulator.Builder b = CameraSimulator.builder().stages(generators).camerasPerStage(camerasPerStage)
                    .fps(fps).sink(writer);
            if (runLength != null && runLength.frames != null) b.framesPerCamera(runLength.frames);
            if (runLength != null && runLength.duration != null) b.duration(runLength.duration);
            CameraSimulator sim = b.build();
            err.println("camera-simulator: " + generators.size() + " stage(s) x " + camerasPerStage + " camera(s) at "
                    + fps + " fps -> " + ref + (endpoint != null ? " via " + endpoint : "")
                    + (edge ? ", edge mode (" + records + ", min score " + minScore + ")" : "")
                    + (runLength == null ? " until interrupted (Ctrl-C)" : ""));
            err.flush();
            SimulationReport report = runWithShutdownHook(sim);
            out.print(report.summary());
            out.flush();
            return report.ok() ? EXIT_OK : EXIT_FAILED;
        } finally {
            if (edgeDetector != null) edgeDetector.close();
        }
    }

    /** Stream, endpoint and region to use. */
    static final class Target {
        final StreamRef stream;
        final String endpoint;
        final String region;

        Target(StreamRef stream, String endpoint, String region) {
            this.stream = stream;
            this.endpoint = endpoint;
            this.region = region;
        }
    }

    /** Resolves --stream/--stream-arn/--config with --endpoint/--region; usage error if unusable. */
    Target target() {
        String arn = stream.arn;
        String ep = endpoint;
        String reg = region;
        if (stream.config != null) {
            if (!Files.isRegularFile(stream.config)) throw usage("config file not found: " + stream.config);
            java.util.Properties source;
            try {
                source = ApplicationProperties.fromFile(stream.config.toString())
                        .getOrDefault(ConfigKeys.GROUP_FRAME_SOURCE, new java.util.Properties());
            } catch (IOException e) {
                throw usage("cannot read " + stream.config + ": " + e.getMessage());
            }
            arn = blankToNull(source.getProperty(ConfigKeys.STREAM_ARN));
            if (arn == null) throw usage(stream.config + " has no " + ConfigKeys.GROUP_FRAME_SOURCE + "." + ConfigKeys.STREAM_ARN);
            if (ep == null) ep = blankToNull(source.getProperty(ConfigKeys.AWS_ENDPOINT));
            if (reg == null) reg = blankToNull(source.getProperty(ConfigKeys.AWS_REGION));
        }
        StreamRef ref;
        try {
            ref = arn != null ? StreamRef.arn(arn) : StreamRef.name(stream.name);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (reg == null && ep == null) reg = ref.arnRegion();
        return new Target(ref, ep, reg);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private SimulationReport runWithShutdownHook(CameraSimulator sim) {
        if (!shutdownHook) return sim.run();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sim.stop();
            try {
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "camera-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return sim.run();
        } finally {
            done.countDown();
        }
    }

    /** {@value #DEFAULT_IMAGES} under the working directory or the nearest parent that has it. */
    static Path defaultImages() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(DEFAULT_IMAGES);
            if (Files.isDirectory(candidate)) return candidate;
        }
        return dir.resolve(DEFAULT_IMAGES);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** picocli converter for {@link Durations}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = Durations.parse(value);
            if (d.isZero()) throw new CommandLine.TypeConversionException("duration must be > 0: '" + value + "'");
            return d;
        }
    }
}
