package dev.crowdemotion.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.job.CrowdEmotionPipeline;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.aggregation.StageScoreAggregate;
import dev.crowdemotion.job.aggregation.StageWindowResult;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.enrichment.EnrichmentOutcomes;
import dev.crowdemotion.job.enrichment.FaceBatch;
import dev.crowdemotion.job.enrichment.FaceBatcher;
import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.job.enrichment.RekognitionEnrichment;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.rekognition.LatencyModel;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Benchmark of the job's Rekognition enrichment step against the local DetectFaces stand-in with a
 * TPS quota and {@link LatencyModel#realistic()} latency, on a Flink mini-cluster in this JVM.
 *
 * <p>Per scenario ({@link BenchScenario}, e.g. {@code single-10x}, {@code mosaic-3x@5}):
 * <ol>
 *   <li>a stand-in with {@code quotaTps(Q)}, realistic latency and a fixed seed;</li>
 *   <li>the job: {@link FaceCropGenerator} (real-time face crops at the offered rate across
 *       stages of unequal rates, in frames with frame markers; event time = scheduled capture
 *       time) with bounded out-of-orderness watermarks like {@code CrowdEmotionPipeline.watermarks},
 *       then the job's own chain, wired as {@code CrowdEmotionPipeline.build} wires it:
 *       {@code keyBy(stage)} -> {@link FaceBatcher} (batching and admission) ->
 *       {@code AsyncDataStream.unorderedWait(}{@link RekognitionEnrichment}{@code )}, unioned with
 *       {@link FaceBatcher#BYPASS} (frame markers, sampled-out faces) -> {@link EnrichmentOutcomes}
 *       -> the tumbling window aggregation; sinks record every observation ({@link BenchRecorder});</li>
 *   <li>measurement over {@code [warmup, seconds)} after the source starts; the source keeps
 *       going for a tail (so the last measured faces are treated as in steady state, e.g. their
 *       mosaic batches are not flushed early by the end of input), then stops and the job drains.</li>
 * </ol>
 * Before the scenarios, a reference pass sends every crop alone (the job's single-crop mode,
 * through the same {@link RekognitionEnrichment}) to an unthrottled stand-in: its dominant emotion
 * per crop is what mosaic results are compared with.
 *
 * <p>Each scenario appends one JSON line to {@code --results}; {@link RekognitionBenchReport}
 * prints them as markdown tables. Run all of it with {@code scripts/bench-rekognition.sh}.
 */
@Command(name = "bench-rekognition", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark the Rekognition enrichment step on a Flink mini-cluster against the local DetectFaces stand-in.")
public final class RekognitionBench implements Callable<Integer> {
    /** Upper bound of {@link LatencyModel#realistic()} (truncated log-normal on [150, 400] ms). */
    static final long REALISTIC_LATENCY_MAX_MS = 400;

    @Option(names = "--scenarios", split = ",", paramLabel = "SPEC",
            defaultValue = "single-1x,single-3x,single-10x,mosaic-1x@5,mosaic-3x@5,mosaic-10x@5",
            description = "Comma-separated <single|mosaic>-<N>x[@<quota>]; N = offered load / what the quota can serve "
                    + "(Q faces/s single, Q*K mosaic). Default: ${DEFAULT-VALUE}.")
    List<String> scenarios;

    @Option(names = "--quota", paramLabel = "TPS", defaultValue = "20",
            description = "Stand-in DetectFaces quota Q (and the job's Rekognition max.tps) where a scenario gives none. Default: ${DEFAULT-VALUE}.")
    double quota;

    @Option(names = "--mosaic", paramLabel = "K", defaultValue = "16",
            description = "Faces per mosaic (mosaic.max.faces) in mosaic scenarios. Default: ${DEFAULT-VALUE} (the job's default).")
    int mosaicK;

    @Option(names = "--seconds", defaultValue = "45",
            description = "Seconds from the source's start to the end of the measured window (warm-up included). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds discarded at the start. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--tail", defaultValue = "-1",
            description = "Seconds the source keeps going after the measured window (not measured). "
                    + "Default: 5 single, window + out-of-orderness + 3 s mosaic.")
    double tail;

    @Option(names = "--drain-timeout", defaultValue = "120",
            description = "Seconds to wait for the job to finish after the source stops, then cancel. Default: ${DEFAULT-VALUE}.")
    double drainTimeout;

    @Option(names = "--faces-per-frame", defaultValue = "8",
            description = "Faces per frame (crowd density; one frame marker per frame). Default: ${DEFAULT-VALUE}.")
    int facesPerFrame;

    @Option(names = "--stages", split = ",", defaultValue = "loud,mid,quiet", description = "Stage ids. Default: ${DEFAULT-VALUE}.")
    List<String> stages;

    @Option(names = "--stage-shares", split = ",", defaultValue = "60,30,10",
            description = "Share of the offered faces per stage (normalised). Default: ${DEFAULT-VALUE}.")
    List<Double> stageShares;

    @Option(names = "--arrivals", defaultValue = "poisson",
            description = "Frame arrivals per stage: poisson (exponential gaps, seeded) or periodic. Default: ${DEFAULT-VALUE}.")
    String arrivals;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the stand-in's latency draws and of the Poisson arrivals. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--gc-every", defaultValue = "10",
            description = "Seconds between live-heap samples (System.gc(), then heap used); 0: only at the window's start and end. Default: ${DEFAULT-VALUE}.")
    double gcEvery;

    @Option(names = "--set", paramLabel = "GROUP.KEY=VALUE",
            description = "Job configuration override, e.g. --set Rekognition.max.queue.seconds=1 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--results", paramLabel = "FILE", description = "Append one JSON line per scenario to FILE.")
    Path results;

    @Option(names = "--data", paramLabel = "DIR", description = "The repository's data/ folder. Default: found upwards from the working directory.")
    Path data;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch files. Default: java.io.tmpdir/crowd-emotion-bench.")
    Path workDir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the benchmark; see {@link RekognitionBench} and {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RekognitionBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        if (!arrivals.equals("poisson") && !arrivals.equals("periodic")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--arrivals must be poisson or periodic");
        }
        if (stages.size() != stageShares.size()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--stages and --stage-shares differ in length");
        }
        List<BenchScenario> list = new ArrayList<>();
        for (String spec : scenarios) {
            list.add(BenchScenario.parse(spec, quota, mosaicK));
        }
        Path work = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"), "crowd-emotion-bench");
        Files.createDirectories(work);

        CrowdEmotionConfig base = config("http://127.0.0.1:1", quota, 1);
        long t = System.nanoTime();
        List<BenchCrops.Crop> crops = BenchCrops.load(BenchCrops.dataDir(data), base);
        log("%d face crops (mean %d B JPEG) in %d ms", crops.size(),
                (int) crops.stream().mapToInt(c -> c.jpeg().length).average().orElse(0), (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        int[] reference = reference(crops);
        log("reference (each crop alone, unthrottled stand-in): %d of %d crops with a face, in %d ms",
                Arrays.stream(reference).filter(r -> r >= 0).count(), crops.size(), (System.nanoTime() - t) / 1_000_000);

        for (BenchScenario sc : list) {
            Map<String, Object> r = run(sc, crops, reference, work);
            String line = JSON.writeValueAsString(r);
            System.out.println(line);
            if (results != null) {
                if (results.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(results.toAbsolutePath().getParent());
                }
                Files.write(results, (line + "\n").getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return 0;
    }

    /** The job's configuration: defaults, {@code --set} overrides, then the scenario's endpoint, max.tps and mosaic size. */
    private CrowdEmotionConfig config(String endpoint, double maxTps, int mosaic) {
        Map<String, Properties> groups = new HashMap<>();
        groups.computeIfAbsent(ConfigKeys.GROUP_FRAME_SOURCE, k -> new Properties())
                .setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("bench-unused"));
        overrides.forEach((k, v) -> {
            int dot = k.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("--set " + k + ": expected GROUP.KEY=VALUE");
            }
            groups.computeIfAbsent(k.substring(0, dot), g -> new Properties()).setProperty(k.substring(dot + 1), v);
        });
        Properties rek = groups.computeIfAbsent(ConfigKeys.GROUP_REKOGNITION, k -> new Properties());
        rek.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
        rek.setProperty(ConfigKeys.AWS_ENDPOINT, endpoint);
        rek.setProperty(ConfigKeys.MAX_TPS, Double.toString(maxTps));
        rek.setProperty(ConfigKeys.MOSAIC_MAX_FACES, Integer.toString(mosaic));
        return new CrowdEmotionConfig(groups);
    }

    /**
     * Every crop sent alone through the job's {@link RekognitionEnrichment} (single-crop mode) to an
     * unthrottled stand-in: the dominant emotion (ordinal) per crop, -1 where no face was found.
     */
    private int[] reference(List<BenchCrops.Crop> crops) throws Exception {
        int[] out = new int[crops.size()];
        Arrays.fill(out, -1);
        try (RekognitionStandIn standIn = RekognitionStandIn.start()) {
            CrowdEmotionConfig cfg = config(standIn.endpoint().toString(), 1000, 1);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
            List<FaceBatch> batches = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < crops.size(); i++) {
                BenchCrops.Crop c = crops.get(i);
                batches.add(FaceBatch.of(List.of(FaceCrop.face("reference", "reference-cam", now, i, 1, 0,
                        c.left(), c.top(), c.width(), c.height(), c.score(), c.jpeg()))));
            }
            DataStream<FaceObservation> obs = AsyncDataStream.unorderedWait(
                    env.fromData(batches, TypeInformation.of(FaceBatch.class)),
                    new RekognitionEnrichment(cfg), cfg.asyncTimeoutMs(), TimeUnit.MILLISECONDS, cfg.asyncCapacity(1));
            Map<String, Integer> reasons = new LinkedHashMap<>();
            try (CloseableIterator<FaceObservation> it = obs.executeAndCollect("bench reference (single crops)")) {
                while (it.hasNext()) {
                    FaceObservation o = it.next();
                    if (o.isEnriched()) {
                        out[(int) o.getFrameSequence()] = o.dominantEmotion().ordinal();
                    } else {
                        reasons.merge(o.getFailureReason(), 1, Integer::sum);
                        log("reference: crop %s not enriched: %s", crops.get((int) o.getFrameSequence()), o.getFailureReason());
                    }
                }
            }
            Map<String, Integer> dominant = new LinkedHashMap<>();
            for (int r : out) {
                if (r >= 0) {
                    dominant.merge(EmotionType.values()[r].name(), 1, Integer::sum);
                }
            }
            log("reference dominant emotions: %s%s", dominant, reasons.isEmpty() ? "" : ", not enriched: " + reasons);
        }
        return out;
    }

    private Map<String, Object> run(BenchScenario sc, List<BenchCrops.Crop> crops, int[] reference, Path work)
            throws Exception {
        int k = sc.facesPerImage();
        double offered = sc.offeredFacesPerSecond();
        double[] shares = normalisedShares();
        long measureMs = (long) (seconds * 1000);
        long warmupMs = (long) (warmup * 1000);
        log("== %s: %s, Q = %s TPS, offered %.1f faces/s (%.3gx of %.1f servable), %d s + tail",
                sc.name(), sc.mosaic() ? "mosaic K=" + k : "single-crop", fmt(sc.quotaTps()), offered, sc.multiplier(),
                sc.servableFacesPerSecond(), measureMs / 1000);
        Map<String, Object> r = new LinkedHashMap<>();
        try (RekognitionStandIn standIn = RekognitionStandIn.start(RekognitionStandIn.Options.realistic()
                .quotaTps(sc.quotaTps()).seed(seed))) {
            CrowdEmotionConfig cfg = config(standIn.endpoint().toString(), sc.quotaTps(), k);
            long tailMs = tail >= 0 ? (long) (tail * 1000)
                    : sc.mosaic() ? cfg.windowSizeMs() + cfg.maxOutOfOrdernessMs() + 3000 : 5000;
            BenchRecorder recorder = new BenchRecorder(stages.toArray(new String[0]), facesPerFrame, reference, warmupMs, measureMs);
            BenchRecorder.activate(recorder);
            MetricsCapture.clear();

            Configuration flink = new Configuration();
            MetricsCapture.configure(flink);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
            env.getConfig().setAutoWatermarkInterval(200);
            DataStream<FaceCrop> cropsIn = env
                    .addSource(new FaceCropGenerator(crops, stages.toArray(new String[0]), shares, offered, facesPerFrame,
                            measureMs + tailMs, arrivals.equals("poisson"), seed),
                            "face crops (bench source)", TypeInformation.of(FaceCrop.class))
                    .assignTimestampsAndWatermarks(WatermarkStrategy
                            .<FaceCrop>forBoundedOutOfOrderness(Duration.ofMillis(cfg.maxOutOfOrdernessMs()))
                            .withTimestampAssigner((c, ignored) -> c.getCaptureTimeMs())
                            .withIdleness(Duration.ofMillis(cfg.idlenessMs())));
            int capacity = cfg.asyncCapacity(cropsIn.getParallelism());
            SingleOutputStreamOperator<FaceObservation> observations = CrowdEmotionPipeline.enrich(cropsIn, cfg);
            observations.addSink(new BenchRecorder.ObservationSink()).name("bench: observations");
            SingleOutputStreamOperator<StageWindowScore> scores = observations
                    .keyBy(FaceObservation::getStageId)
                    .window(TumblingEventTimeWindows.of(Duration.ofMillis(cfg.windowSizeMs())))
                    .sideOutputLateData(CrowdEmotionPipeline.LATE)
                    .aggregate(new StageScoreAggregate(), new StageWindowResult())
                    .name("stage scores per window");
            scores.addSink(new BenchRecorder.ScoreSink()).name("bench: scores");
            scores.getSideOutput(CrowdEmotionPipeline.LATE).addSink(new BenchRecorder.LateSink()).name("bench: late");

            ResourceSampler sampler = new ResourceSampler(gcEvery, () -> MetricsCapture.gauge("rekognitionBacklog"));
            long submitted = System.currentTimeMillis();
            JobClient job = MetricsCapture.withReporter(work, () -> env.executeAsync("bench " + sc.name()));
            while (recorder.t0() == 0) {
                if (System.currentTimeMillis() - submitted > 120_000) {
                    job.cancel();
                    throw new TimeoutException("the job's source did not start within 120 s");
                }
                Thread.sleep(20);
            }
            log("source started %d ms after submission; measuring %d..%d s", recorder.t0() - submitted,
                    warmupMs / 1000, measureMs / 1000);
            sampler.sample(recorder.from(), recorder.to());
            sampler.close();
            boolean drained = true;
            try {
                job.getJobExecutionResult().get(tailMs + (long) (drainTimeout * 1000) + 10_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                drained = false;
                log("the job did not finish in time; cancelling");
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            long finished = System.currentTimeMillis();
            RekognitionStandIn.Counters counters = standIn.counters();

            // ---- scenario and configuration
            r.put("scenario", sc.name());
            r.put("mode", sc.mosaic() ? "mosaic" : "single");
            r.put("K", k);
            r.put("quotaTps", sc.quotaTps());
            r.put("multiplier", sc.multiplier());
            r.put("offeredTargetFacesPerSec", round(offered, 2));
            r.put("facesPerFrame", facesPerFrame);
            r.put("arrivals", arrivals);
            r.put("stages", stages);
            r.put("stageShares", Arrays.stream(shares).map(s -> round(s, 3)).boxed().toList());
            r.put("parallelism", parallelism);
            r.put("asyncCapacity", capacity);
            r.put("maxQueueSeconds", cfg.maxQueueSeconds());
            r.put("windowMs", cfg.windowSizeMs());
            r.put("outOfOrdernessMs", cfg.maxOutOfOrdernessMs());
            r.put("measuredSeconds", (measureMs - warmupMs) / 1000.0);
            r.put("tailSeconds", tailMs / 1000.0);
            r.put("overrides", overrides);
            r.put("standIn", "realistic latency (log-normal median 230 ms, [150, 400] ms), quota " + fmt(sc.quotaTps())
                    + " TPS burst " + fmt(Math.max(1, sc.quotaTps())) + ", seed " + seed);
            double measuredSeconds = (recorder.to() - recorder.from()) / 1000.0;
            r.put("offeredFacesPerSec", round((recorder.offeredTotal() + recorder.notEmitted) / measuredSeconds, 2));
            r.put("emittedFacesPerSec", round(recorder.offeredTotal() / measuredSeconds, 2));
            r.put("notEmittedInWindow", recorder.notEmitted);
            r.put("notEmittedAll", recorder.notEmittedAll);

            // ---- 1. calls/s and throttling, as the stand-in saw them
            long fromSec = (recorder.from() + 999) / 1000;
            long toSec = recorder.to() / 1000; // exclusive
            Map<Long, RekognitionStandIn.SecondCount> bySecond = new HashMap<>();
            for (RekognitionStandIn.SecondCount s : counters.perSecond()) {
                bySecond.put(s.epochSecond(), s);
            }
            long served = 0;
            long throttledWindow = 0;
            long minServed = Long.MAX_VALUE;
            long maxServed = 0;
            for (long s = fromSec; s < toSec; s++) {
                RekognitionStandIn.SecondCount c = bySecond.get(s);
                long v = c == null ? 0 : c.served();
                served += v;
                throttledWindow += c == null ? 0 : c.throttled();
                minServed = Math.min(minServed, v);
                maxServed = Math.max(maxServed, v);
            }
            double callsPerSec = toSec > fromSec ? (double) served / (toSec - fromSec) : 0;
            r.put("callsPerSec", round(callsPerSec, 2));
            r.put("callsPerSecMin1s", toSec > fromSec ? minServed : 0);
            r.put("callsPerSecMax1s", maxServed);
            r.put("callsPctOfQuota", round(100 * callsPerSec / sc.quotaTps(), 1));
            r.put("throttledInWindow", throttledWindow);
            r.put("throttledTotal", counters.throttled());
            r.put("standInErrorsByType", counters.errorsByType());
            Map<String, Long> outcomesAll = new LinkedHashMap<>(recorder.outcomesAll);
            long lostToThrottling = outcomesAll.getOrDefault(RekognitionStandIn.PROVISIONED_THROUGHPUT_EXCEEDED, 0L)
                    + outcomesAll.getOrDefault(RekognitionStandIn.THROTTLING, 0L);
            r.put("facesLostToThrottling", lostToThrottling);
            r.put("outcomes", recorder.outcomes());
            r.put("outcomesAll", outcomesAll);
            Map<String, Object> jm = new LinkedHashMap<>();
            for (String name : List.of(JobMetrics.REKOGNITION_CALLS, JobMetrics.REKOGNITION_IMAGES,
                    JobMetrics.REKOGNITION_THROTTLES, JobMetrics.REKOGNITION_RETRIES, JobMetrics.REKOGNITION_ERRORS,
                    JobMetrics.REKOGNITION_TIMEOUTS, JobMetrics.FACES_SAMPLED_OUT, JobMetrics.MOSAIC_TILES_EMPTY,
                    JobMetrics.MOSAIC_TILES_CROWDED, JobMetrics.FACES_ENRICHED, JobMetrics.FACES_UNENRICHED)) {
                jm.put(name, MetricsCapture.counter(name));
            }
            r.put("jobMetrics", jm);
            r.put("pacerBacklogMax", sampler.gaugeMax);
            r.put("pacerBacklogMaxSeconds", sampler.gaugeMax < 0 ? -1 : round(sampler.gaugeMax / (sc.quotaTps() / parallelism), 2));

            // ---- 2. memory and delay
            List<Long> live = sampler.liveHeapSamples;
            r.put("liveHeapMB", live.stream().map(b -> round(b / 1048576.0, 1)).toList());
            r.put("liveHeapMaxMB", round(live.stream().mapToLong(Long::longValue).max().orElse(-1) / 1048576.0, 1));
            r.put("liveHeapGrowthMB", live.size() < 2 ? 0 : round((live.get(live.size() - 1) - live.get(0)) / 1048576.0, 1));
            r.put("heapAfterGcMaxMB", round(sampler.maxAfterGc() / 1048576.0, 1));
            r.put("heapMaxMB", round(Runtime.getRuntime().maxMemory() / 1048576.0, 0));
            r.put("delayEnrichedMs", delays(recorder.delayEnriched));
            r.put("delayAllMs", delays(recorder.delayAll));
            r.put("delayRunMs", delays(recorder.delayRun));
            r.put("designBoundMs", designBound(cfg, sc, sc.quotaTps() / parallelism, capacity,
                    env.getConfig().getAutoWatermarkInterval()));
            r.put("sourceLagMaxMs", Math.max(recorder.maxSourceLagMs, recorder.lagAtStopMs));
            r.put("sourceLagAtStopMs", recorder.lagAtStopMs);
            r.put("framesLate100ms", recorder.framesLate100ms);
            r.put("processCores", round(sampler.processCores, 2));
            r.put("machineCores", round(sampler.machineCores, 2));
            r.put("otherProcessesCores", round(Math.max(0, sampler.machineCores - sampler.processCores), 2));
            r.put("loadAverage", sampler.loadAverageBefore + " -> " + sampler.loadAverageAfter);
            r.put("standInAnalysisMeanMs", round(standIn.meanAnalysisMillis(), 1));

            // ---- 3. images per face, emotion agreement
            long enrichedAll = recorder.enrichedAll;
            long sentAll = recorder.facesAll - outcomesAll.getOrDefault("SAMPLED_OUT", 0L);
            r.put("imagesServed", counters.detectFacesOk());
            r.put("facesEnrichedAll", enrichedAll);
            r.put("facesSentAll", sentAll);
            r.put("imagesPerEnrichedFace", enrichedAll == 0 ? -1 : round((double) counters.detectFacesOk() / enrichedAll, 4));
            r.put("imagesPerFaceSent", sentAll == 0 ? -1 : round((double) counters.detectFacesOk() / sentAll, 4));
            r.put("dominantCompared", recorder.compared);
            r.put("dominantAgreed", recorder.agreed);
            r.put("dominantAgreementPct", recorder.compared == 0 ? -1 : round(100.0 * recorder.agreed / recorder.compared, 1));
            r.put("enrichedWithoutReference", recorder.enrichedWithoutReference);

            // ---- fairness
            List<Map<String, Object>> perStage = new ArrayList<>();
            // max-min fair split of Q calls/s among the stages' realised demands (faces due / K)
            double[] demand = new double[stages.size()];
            for (int s = 0; s < stages.size(); s++) {
                demand[s] = (recorder.offered[s] + recorder.notEmittedByStage[s]) / measuredSeconds / k;
            }
            double[] fair = maxMinFair(demand, 1, sc.quotaTps());
            for (int s = 0; s < stages.size(); s++) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("stage", stages.get(s));
                long due = recorder.offered[s] + recorder.notEmittedByStage[s];
                st.put("due", due);
                st.put("emitted", recorder.offered[s]);
                st.put("observed", recorder.observed[s]);
                st.put("enriched", recorder.enriched[s]);
                st.put("enrichedPerSec", round(recorder.enriched[s] / measuredSeconds, 2));
                st.put("coveragePct", due == 0 ? -1 : round(100.0 * recorder.enriched[s] / due, 1));
                st.put("maxMinFairFacesPerSec", round(fair[s] * k, 2));
                perStage.add(st);
            }
            r.put("perStage", perStage);

            // ---- consistency
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("facesOfferedAll", recorder.offeredAllTotal());
            check.put("facesObservedAll", recorder.facesAll);
            check.put("distinctFaces", recorder.distinctFaces());
            check.put("duplicates", recorder.duplicates);
            check.put("offeredInWindow", recorder.offeredTotal());
            check.put("observedInWindow", Arrays.stream(recorder.observed).sum());
            check.put("windows", recorder.windows);
            check.put("windowFacesDetected", recorder.windowFacesDetected);
            check.put("windowFacesEnriched", recorder.windowFacesEnriched);
            check.put("lateObservations", recorder.late);
            check.put("drained", drained);
            check.put("drainSeconds", round((finished - recorder.to()) / 1000.0, 1));
            check.put("jobMetricsCaptured", MetricsCapture.captured());
            r.put("check", check);
            r.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            r.put("nproc", Runtime.getRuntime().availableProcessors());
        }
        log("%s: %.2f calls/s (%.1f %% of Q), throttled %d (lost %d), enriched delay p50/p99/max %s ms, live heap max %s MB, "
                        + "images/enriched face %s, agreement %s %%, outcomes %s",
                sc.name(), r.get("callsPerSec"), r.get("callsPctOfQuota"), r.get("throttledTotal"), r.get("facesLostToThrottling"),
                delaysText(r.get("delayEnrichedMs")), r.get("liveHeapMaxMB"), r.get("imagesPerEnrichedFace"),
                r.get("dominantAgreementPct"), r.get("outcomes"));
        return r;
    }

    /**
     * The delay bounds the design implies (ms), from the configuration:
     * <ul>
     *   <li>{@code batching}: mosaic mode only, a partial batch waits for the watermark to pass its
     *       window's end: window + out-of-orderness + one watermark interval;</li>
     *   <li>{@code pacer}: waiting for a DetectFaces permit; a batch is only sent when the backlog
     *       is under {@code max.queue.seconds}, and at most {@code async.capacity} batches are in
     *       flight, so the wait is at most min(max.queue.seconds, capacity / tps) + 1 / tps;</li>
     *   <li>{@code service}: the stand-in's latency, at most 400 ms ({@link LatencyModel#realistic()});</li>
     *   <li>{@code noFault} = batching + one watermark interval + pacer + service, plus a second
     *       pacer + service round in mosaic mode (tiles without a face are sent again alone). The
     *       watermark interval: the unordered async operator emits a result only once every element
     *       before the preceding watermark has been emitted, so a face can wait for calls of the
     *       previous watermark interval;</li>
     *   <li>{@code retries}: worst case of the retry policy on top (throttling, 5xx, timeouts): the
     *       backoffs with +50 % jitter, and per retry a pacer wait and a whole {@code call.timeout.ms};</li>
     *   <li>{@code hard}: batching + {@code async.timeout.ms}: Flink's async operator gives up on a
     *       batch then (its faces become {@code TIMEOUT}), whatever happens to its calls.</li>
     * </ul>
     */
    private static Map<String, Object> designBound(CrowdEmotionConfig cfg, BenchScenario sc, double share, int capacity,
                                                   long watermarkIntervalMs) {
        double batching = sc.mosaic() ? cfg.windowSizeMs() + cfg.maxOutOfOrdernessMs() + watermarkIntervalMs : 0;
        double pacer = Math.min(cfg.maxQueueSeconds() * 1000, capacity * 1000 / share) + 1000 / share;
        double service = REALISTIC_LATENCY_MAX_MS;
        double noFault = batching + watermarkIntervalMs + (pacer + service) * (sc.mosaic() ? 2 : 1);
        double backoffs = 0;
        for (int i = 1; i < cfg.retryMaxAttempts(); i++) {
            backoffs += 1.5 * Math.min(cfg.retryMaxBackoffMs(), cfg.retryInitialBackoffMs() * Math.pow(2, i - 1));
        }
        double retries = backoffs + (cfg.retryMaxAttempts() - 1) * (pacer + cfg.callTimeoutMs());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("batching", Math.round(batching));
        b.put("pacer", Math.round(pacer));
        b.put("service", Math.round(service));
        b.put("noFault", Math.round(noFault));
        b.put("retries", Math.round(retries));
        b.put("withRetries", Math.round(Math.min(noFault + retries, batching + cfg.asyncTimeoutMs())));
        b.put("hard", Math.round(batching + cfg.asyncTimeoutMs()));
        return b;
    }

    /** Max-min fair shares of {@code capacity} calls/s among stages demanding {@code total * demand[s]} calls/s. */
    static double[] maxMinFair(double[] shares, double total, double capacity) {
        int n = shares.length;
        double[] demand = new double[n];
        double[] alloc = new double[n];
        boolean[] done = new boolean[n];
        for (int i = 0; i < n; i++) {
            demand[i] = total * shares[i];
        }
        double left = capacity;
        int open = n;
        while (open > 0 && left > 1e-9) {
            double each = left / open;
            boolean satisfied = false;
            for (int i = 0; i < n; i++) {
                if (!done[i] && demand[i] - alloc[i] <= each) {
                    left -= demand[i] - alloc[i];
                    alloc[i] = demand[i];
                    done[i] = true;
                    open--;
                    satisfied = true;
                }
            }
            if (!satisfied) {
                for (int i = 0; i < n; i++) {
                    if (!done[i]) {
                        alloc[i] += each;
                    }
                }
                left = 0;
            }
        }
        return alloc;
    }

    private double[] normalisedShares() {
        double sum = stageShares.stream().mapToDouble(Double::doubleValue).sum();
        return stageShares.stream().mapToDouble(s -> s / sum).toArray();
    }

    private static Map<String, Object> delays(DelayHistogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.count());
        m.put("p50", h.percentile(0.50));
        m.put("p90", h.percentile(0.90));
        m.put("p99", h.percentile(0.99));
        m.put("max", h.max());
        m.put("mean", round(h.mean(), 1));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String delaysText(Object o) {
        Map<String, Object> m = (Map<String, Object>) o;
        return m.get("p50") + "/" + m.get("p99") + "/" + m.get("max");
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
