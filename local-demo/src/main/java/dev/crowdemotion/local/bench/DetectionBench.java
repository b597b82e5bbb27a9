package dev.crowdemotion.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.config.ApplicationProperties;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.job.detection.FrameCrops;
import dev.crowdemotion.kinesis.FrameRecordDeserializer;
import dev.crowdemotion.kinesis.IngestedRecord;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.simulator.CrowdComposer;
import dev.crowdemotion.simulator.EdgeCamera;
import dev.crowdemotion.simulator.EncodedRecord;
import dev.crowdemotion.simulator.FrameGenerator;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.Images;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What each placement of face detection costs (docs/benchmarks-detection.md): bytes into Kinesis
 * per frame and per face for full-frame records ({@code embedded}, {@code sagemaker}) and face
 * records ({@code edge}), and the job's CPU time per frame in each detector mode.
 *
 * <ul>
 *   <li><b>Frames</b>: the vendored crowd frames of the local demo ({@link CrowdComposer} over
 *       {@code data/stages/*}, 1280x720 JPEG by default), and face-free photos for an empty stage.
 *       Bytes are what Kinesis counts: data plus UTF-8 partition key, per record.</li>
 *   <li><b>Job CPU</b>: the whole pipeline on a Flink mini-cluster at parallelism 1 in this JVM,
 *       reading the encoded records from memory (record decoding included, the Kinesis emulator
 *       left out). The Rekognition stand-in (no added latency), the SageMaker Runtime stand-in and
 *       the model server run in a child JVM ({@code StandInsMain}), so their CPU is not the job's;
 *       it is reported apart as the endpoint's. CPU is this process's CPU time
 *       ({@code OperatingSystemMXBean.getProcessCpuTime}); a run of {@code --baseline-frames}
 *       frames is subtracted from each run, which removes the mini-cluster's start and stop, and a
 *       warm-up run precedes the measurements.</li>
 * </ul>
 * The Rekognition budget is set far above the load ({@code max.tps} 1000), so no face is sampled
 * out and every mode does the same enrichment work; SageMaker calls are paced at 10/s, what the
 * local model server sustains (CPU time per frame does not depend on the pace).
 */
@Command(name = "bench-detection", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Bytes into Kinesis and job CPU per frame for the embedded, sagemaker and edge detector modes.")
public final class DetectionBench implements Callable<Integer> {
    @Option(names = "--frames-per-stage", defaultValue = "60", description = "Crowd frames per stage. Default: ${DEFAULT-VALUE}.")
    int framesPerStage;

    @Option(names = "--baseline-frames", defaultValue = "6", description = "Frames of the baseline run subtracted from each measurement. Default: ${DEFAULT-VALUE}.")
    int baselineFrames;

    @Option(names = "--width", defaultValue = "1280", description = "Frame width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", defaultValue = "720", description = "Frame height. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(names = "--faces-min", defaultValue = "3", description = "Fewest faces per crowd frame (the local demo's). Default: ${DEFAULT-VALUE}.")
    int facesMin;

    @Option(names = "--faces-max", defaultValue = "8", description = "Most faces per crowd frame (the local demo's). Default: ${DEFAULT-VALUE}.")
    int facesMax;

    @Option(names = "--repeats", defaultValue = "2", description = "Measured runs per mode (the median is reported). Default: ${DEFAULT-VALUE}.")
    int repeats;

    private static final long T0 = 1_763_769_600_000L;
    private static final AtomicLong FACES_ENRICHED = new AtomicLong();
    private static final AtomicLong DEAD_LETTERS = new AtomicLong();

    /** Runs the benchmark; prints markdown. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DetectionBench()).execute(args));
    }

    /** Bytes and records one set of frames becomes. */
    private static final class Traffic {
        long frames;
        long faces;
        long framesWithoutFaces;
        long fullRecords;
        long fullBytes;
        long edgeRecords;
        long edgeBytes;
        final List<byte[]> fullData = new ArrayList<>();
        final List<byte[]> edgeData = new ArrayList<>();
    }

    @Override
    public Integer call() throws Exception {
        Path root = repositoryRoot();
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID); // the stand-ins accept any
            System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        }
        Map<String, Properties> base = ApplicationProperties.fromFile(root.resolve("config/local.json").toString());
        CrowdEmotionConfig baseConfig = new CrowdEmotionConfig(base);

        // 1. Frames and the records they become
        List<CameraFrame> crowd = crowdFrames(root);
        List<CameraFrame> empty = emptyFrames(root);
        Traffic crowdTraffic;
        Traffic emptyTraffic;
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) baseConfig.minScore()).build())) {
            EdgeCamera camera = new EdgeCamera(detector, FrameCrops.encoder(baseConfig));
            crowdTraffic = traffic(crowd, camera, detector);
            emptyTraffic = traffic(empty, camera, detector);
        }

        // 2. Job CPU per frame, stand-ins in a child JVM
        Process standIns = startStandIns();
        try {
            JsonNode endpoints = new ObjectMapper().readTree(
                    new BufferedReader(new InputStreamReader(standIns.getInputStream(), StandardCharsets.UTF_8)).readLine());
            Map<String, Properties> groups = benchGroups(base, endpoints);
            Map<DetectorMode, double[]> cpu = new LinkedHashMap<>();
            run(groups, DetectorMode.EMBEDDED, crowdTraffic.fullData.subList(0, Math.min(30, crowdTraffic.fullData.size())),
                    standIns); // warm-up
            for (DetectorMode mode : DetectorMode.values()) {
                List<byte[]> records = mode == DetectorMode.EDGE ? crowdTraffic.edgeData : crowdTraffic.fullData;
                List<byte[]> baseline = mode == DetectorMode.EDGE
                        ? edgeRecordsOfFirstFrames(crowdTraffic.edgeData, baselineFrames) : records.subList(0, baselineFrames);
                List<double[]> samples = new ArrayList<>();
                for (int r = 0; r < repeats; r++) {
                    double[] b = run(groups, mode, baseline, standIns);
                    double[] m = run(groups, mode, records, standIns);
                    long frames = crowdTraffic.frames - baselineFrames;
                    samples.add(new double[] {(m[0] - b[0]) / frames, (m[1] - b[1]) / frames, m[2], m[3]});
                }
                samples.sort((x, y) -> Double.compare(x[0], y[0]));
                cpu.put(mode, samples.get(samples.size() / 2));
            }
            print(crowdTraffic, emptyTraffic, cpu);
        } finally {
            standIns.getOutputStream().close();
            standIns.destroy();
        }
        return 0;
    }

    private List<CameraFrame> crowdFrames(Path root) throws Exception {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root.resolve("data/stages"))) {
            dirs = s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        List<CameraFrame> frames = new ArrayList<>();
        for (Path dir : dirs) {
            String stage = dir.getFileName().toString();
            FrameGenerator g = CrowdComposer.fromDirectory(dir, CrowdComposer.Settings.defaults()
                    .size(width, height).faces(facesMin, facesMax).seed(stage.hashCode()));
            for (int i = 0; i < framesPerStage; i++) {
                frames.add(g.next(stage + "-cam-" + (1 + i % 2), stage, i / 2, T0 + (i / 2) * 1000L));
            }
        }
        frames.sort((a, b) -> Long.compare(a.getCaptureTimeMs(), b.getCaptureTimeMs()));
        return frames;
    }

    /** The face-free photos of data/images as the frames of an empty stage. */
    private static List<CameraFrame> emptyFrames(Path root) throws Exception {
        List<CameraFrame> frames = new ArrayList<>();
        int i = 0;
        for (String name : new String[] {"coffee.png", "rocket.jpg", "hubble_deep_field.jpg", "chelsea.png"}) {
            byte[] jpeg = Images.encodeJpeg(Images.decode(Files.readAllBytes(root.resolve("data/images").resolve(name))), 0.85f);
            frames.add(new CameraFrame("empty-cam-1", "empty", T0 + i * 1000L, i, MediaType.JPEG, jpeg));
            i++;
        }
        return frames;
    }

    private static Traffic traffic(List<CameraFrame> frames, EdgeCamera camera, BlazeFaceDetector detector) throws Exception {
        Traffic t = new Traffic();
        for (CameraFrame f : frames) {
            int key = f.getCameraId().getBytes(StandardCharsets.UTF_8).length;
            byte[] full = FrameCodec.encode(f);
            t.frames++;
            t.fullRecords++;
            t.fullBytes += full.length + key;
            t.fullData.add(full);
            int faces = detector.detect(Images.decode(f.getImage())).size();
            t.faces += faces;
            if (faces == 0) {
                t.framesWithoutFaces++;
            }
            for (EncodedRecord r : camera.encode(f)) {
                t.edgeRecords++;
                t.edgeBytes += r.data().length + key;
                t.edgeData.add(r.data());
            }
        }
        return t;
    }

    /** The face records of the first {@code n} frames (records of one frame are consecutive). */
    private static List<byte[]> edgeRecordsOfFirstFrames(List<byte[]> records, int n) throws Exception {
        List<byte[]> out = new ArrayList<>();
        java.util.Set<String> frames = new java.util.HashSet<>();
        for (byte[] r : records) {
            var face = FrameCodec.decodeRecord(r).face();
            frames.add(face.getCameraId() + "#" + face.getSequenceNumber());
            if (frames.size() > n) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    private static Process startStandIns() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-Dcrowdemotion.log.dir=local-demo/target/bench/stand-ins",
                "-cp", System.getProperty("java.class.path"), "dev.crowdemotion.local.standins.StandInsMain");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    private static Map<String, Properties> benchGroups(Map<String, Properties> base, JsonNode endpoints) {
        Map<String, Properties> groups = new LinkedHashMap<>();
        base.forEach((k, v) -> {
            Properties p = new Properties();
            p.putAll(v);
            groups.put(k, p);
        });
        groups.get(ConfigKeys.GROUP_FRAME_SOURCE).setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("bench"));
        Properties rek = groups.get(ConfigKeys.GROUP_REKOGNITION);
        rek.setProperty(ConfigKeys.AWS_ENDPOINT, endpoints.get("rekognition").asText());
        rek.setProperty(ConfigKeys.MAX_TPS, "1000");
        Properties sm = groups.get(ConfigKeys.GROUP_SAGEMAKER);
        sm.setProperty(ConfigKeys.AWS_ENDPOINT, endpoints.get("sagemaker").asText());
        sm.setProperty(ConfigKeys.ENDPOINT_NAME, endpoints.get("endpointName").asText());
        // what the local model server sustains next to the job on 2 cores (about 2 workers x 100-150 ms
        // per frame); far above it, its queue overflows (503, retried, then dead letters)
        sm.setProperty(ConfigKeys.SAGEMAKER_MAX_TPS, "10");
        return groups;
    }

    /** One run; returns {job CPU ms, stand-ins CPU ms, wall s, faces enriched}. */
    private static double[] run(Map<String, Properties> base, DetectorMode mode, List<byte[]> records, Process standIns)
            throws Exception {
        Map<String, Properties> groups = new LinkedHashMap<>(base);
        Properties det = new Properties();
        det.putAll(base.get(ConfigKeys.GROUP_DETECTION));
        det.setProperty(ConfigKeys.DETECTOR, mode.value());
        groups.put(ConfigKeys.GROUP_DETECTION, det);
        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);
        FACES_ENRICHED.set(0);
        DEAD_LETTERS.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        DataStream<IngestedRecord> in = env.fromData(records, TypeInformation.of(byte[].class))
                .map(data -> FrameRecordDeserializer.decode(data, "shardId-000000000000", "0"))
                .returns(TypeInformation.of(IngestedRecord.class))
                .assignTimestampsAndWatermarks(CrowdEmotionPipeline.watermarks(config));
        CrowdEmotionPipeline.Outputs out = CrowdEmotionPipeline.build(in, config);
        out.scores.addSink(new SinkFunction<StageWindowScore>() {
            @Override
            public void invoke(StageWindowScore value, Context context) {
                FACES_ENRICHED.addAndGet(value.getFacesEnriched());
            }
        });
        out.deadLetters.addSink(new SinkFunction<DeadLetter>() {
            @Override
            public void invoke(DeadLetter value, Context context) {
                DEAD_LETTERS.incrementAndGet();
            }
        });
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Duration child0 = standIns.info().totalCpuDuration().orElse(Duration.ZERO);
        long t0 = System.nanoTime();
        env.execute("bench " + mode.value());
        double wall = (System.nanoTime() - t0) / 1e9;
        double jobCpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
        double childCpuMs = standIns.info().totalCpuDuration().orElse(Duration.ZERO).minus(child0).toNanos() / 1e6;
        if (DEAD_LETTERS.get() > 0) {
            throw new IllegalStateException(mode.value() + ": " + DEAD_LETTERS.get() + " dead letters");
        }
        System.err.printf(Locale.ROOT, "%s: %d records, job CPU %.0f ms, stand-ins CPU %.0f ms, wall %.1f s, %d faces enriched%n",
                mode.value(), records.size(), jobCpuMs, childCpuMs, wall, FACES_ENRICHED.get());
        return new double[] {jobCpuMs, childCpuMs, wall, FACES_ENRICHED.get()};
    }

    private void print(Traffic crowd, Traffic empty, Map<DetectorMode, double[]> cpu) {
        System.out.printf(Locale.ROOT, "### Bytes into Kinesis (data + partition key per record)%n%n");
        System.out.printf(Locale.ROOT, "| frames | faces | records full / edge | bytes per frame, full | bytes per frame, edge | "
                + "bytes per face, edge | edge / full |%n|---|---|---|---|---|---|---|%n");
        for (Object[] row : new Object[][] {{"crowd, " + width + "x" + height + ", " + facesMin + "-" + facesMax
                + " faces composed", crowd}, {"empty stage (face-free photos)", empty}}) {
            Traffic t = (Traffic) row[1];
            System.out.printf(Locale.ROOT, "| %s: %d | %d (%.2f/frame; %d frames without) | %d / %d | %,.0f | %,.0f | %s | %.2f |%n",
                    row[0], t.frames, t.faces, (double) t.faces / t.frames, t.framesWithoutFaces, t.fullRecords,
                    t.edgeRecords, (double) t.fullBytes / t.frames, (double) t.edgeBytes / t.frames,
                    t.faces == 0 ? "-" : String.format(Locale.ROOT, "%,.0f", (double) t.edgeBytes / t.faces),
                    (double) t.edgeBytes / t.fullBytes);
        }
        System.out.printf(Locale.ROOT, "%n### CPU per frame (crowd frames; parallelism 1; median of %d)%n%n", repeats);
        System.out.printf(Locale.ROOT, "| detector | job CPU ms/frame | endpoint and Rekognition stand-in CPU ms/frame | "
                + "wall s (%d frames) | faces enriched |%n|---|---|---|---|---|%n", crowd.frames);
        cpu.forEach((mode, v) -> System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f |%n",
                mode.value(), v[0], v[1], v[2], v[3]));
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q.resolve("config/local.json"))) {
                return q;
            }
        }
        return p;
    }
}
