package dev.crowdemotion.job;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.deadletter.DeadLetterSinks;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.aggregation.LateObservations;
import dev.crowdemotion.job.aggregation.StageScoreAggregate;
import dev.crowdemotion.job.aggregation.StageWindowResult;
import dev.crowdemotion.job.detection.FaceCrop;
import dev.crowdemotion.job.async.IdleSafeAsyncWaitOperatorFactory;
import dev.crowdemotion.job.detection.DetectedFrame;
import dev.crowdemotion.job.detection.DetectedFrameCropping;
import dev.crowdemotion.job.detection.EdgeFaceIntake;
import dev.crowdemotion.job.detection.FaceDetectionFunction;
import dev.crowdemotion.job.detection.SageMakerDetection;
import dev.crowdemotion.job.enrichment.EnrichmentOutcomes;
import dev.crowdemotion.job.enrichment.FaceBatch;
import dev.crowdemotion.job.enrichment.FaceBatcher;
import dev.crowdemotion.job.enrichment.FaceObservation;
import dev.crowdemotion.job.enrichment.RekognitionEnrichment;
import dev.crowdemotion.job.ingest.FrameDeduplicator;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.kinesis.FrameSources;
import dev.crowdemotion.kinesis.IngestedRecord;
import dev.crowdemotion.job.setlist.SetlistJoin;
import dev.crowdemotion.job.setlist.SetlistParser;
import dev.crowdemotion.metrics.BusinessMetrics;
import dev.crowdemotion.scores.PerformanceScore;
import dev.crowdemotion.scores.StageScoreSinks;
import dev.crowdemotion.setlist.ScheduleEvent;
import dev.crowdemotion.setlist.SetlistSources;
import dev.crowdemotion.scores.StageWindowScore;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * The job's dataflow:
 * <pre>
 * Kinesis source (records decoded and admitted: contract, stage allowlist, capture time not far
 *   ahead of the clock; per-shard watermarks on capture time)
 *   -> FrameRouter (rejected records, and records of the kind the mode does not take -> dead letters)
 *   -> keyBy(camera) -> FrameDeduplicator (a second copy of a camera's sequence number -> dead letter)
 *   -> detection by Detection.detector: FaceDetectionFunction (embedded BlazeFace), or
 *      SageMakerDetection (async InvokeEndpoint) -> DetectedFrameCropping, or EdgeFaceIntake (edge:
 *      the cameras' face records); frame markers + face crops
 *   -> keyBy(stage) -> FaceBatcher (up to K crops of one window per mosaic; admits calls at the
 *      budget, fairly across stages; markers and sampled-out faces bypass the async step)
 *   -> RekognitionEnrichment (async DetectFaces: paced to the TPS budget, retried;
 *      unordered, bounded capacity and timeout)
 *   -> EnrichmentOutcomes (crops rejected for good -> dead letters)
 *   -> keyBy(stage) -> event-time window (tumbling, or sliding; allowed lateness) ->
 *      StageScoreAggregate + StageWindowResult
 *   -> with a setlist (second input: Kinesis or file -> SetlistParser): keyBy(stage) ->
 *      SetlistJoin (artist/track per window; per-set and per-track summaries)
 *   -> DynamoDB sinks (one item per stage and window; one per set and per track),
 *      CloudWatch business metrics
 * </pre>
 */
public final class CrowdEmotionPipeline {
    /** Observations that arrived after their window closed. */
    public static final OutputTag<FaceObservation> LATE = new OutputTag<FaceObservation>("late-observations") {};

    /** The two streams the dataflow ends in. */
    public static final class Outputs {
        /** One score per stage and window. */
        public final DataStream<StageWindowScore> scores;
        /** Every record rejected anywhere in the job, with its reason. */
        public final DataStream<DeadLetter> deadLetters;
        /** What enrichment made of every frame marker and face (for tests, benchmarks and audits). */
        public final DataStream<FaceObservation> observations;
        /** What detection made of every frame: markers and face crops (for tests, benchmarks and audits). */
        public final DataStream<FaceCrop> crops;
        /** Per-set and per-track summaries; {@code null} when the job has no setlist input. */
        public final DataStream<PerformanceScore> performances;
        /**
         * The window scores as the windows fire, before the setlist join: one element per firing
         * (the join may emit a window again when the setlist changes what it shows). Feeds the
         * CloudWatch metrics, where a repeated datapoint would be counted twice.
         */
        public final DataStream<StageWindowScore> windowFirings;

        Outputs(DataStream<StageWindowScore> scores, DataStream<DeadLetter> deadLetters,
                DataStream<FaceObservation> observations, DataStream<FaceCrop> crops,
                DataStream<PerformanceScore> performances, DataStream<StageWindowScore> windowFirings) {
            this.performances = performances;
            this.windowFirings = windowFirings;
            this.scores = scores;
            this.deadLetters = deadLetters;
            this.observations = observations;
            this.crops = crops;
        }
    }

    private CrowdEmotionPipeline() {}

    /**
     * Event-time policy: capture time as the timestamp, bounded out-of-orderness and idleness from
     * the {@code Aggregation} group. Rejected records get {@link Long#MIN_VALUE} so they never
     * advance a watermark.
     */
    public static WatermarkStrategy<IngestedRecord> watermarks(CrowdEmotionConfig config) {
        return WatermarkStrategy
                .<IngestedRecord>forBoundedOutOfOrderness(Duration.ofMillis(config.maxOutOfOrdernessMs()))
                .withTimestampAssigner((r, kinesisArrival) -> r.eventTimeMs())
                .withIdleness(Duration.ofMillis(config.idlenessMs()));
    }

    /**
     * Reads frames from the Kinesis stream of the {@code FrameSource} group, and schedule events
     * from the {@code Setlist} group's stream or file if there is one, and builds the dataflow.
     */
    public static Outputs fromKinesis(StreamExecutionEnvironment env, CrowdEmotionConfig config) {
        DataStream<IngestedRecord> records = env.fromSource(FrameSources.kinesis(config), watermarks(config),
                "Kinesis frames", TypeInformation.of(IngestedRecord.class)).uid("kinesis-frames-source");
        return build(records, SetlistSources.rawEvents(env, config), config);
    }

    /** {@link #build(DataStream, DataStream, CrowdEmotionConfig)} without a setlist. */
    public static Outputs build(DataStream<IngestedRecord> records, CrowdEmotionConfig config) {
        return build(records, null, config);
    }

    /**
     * Builds the dataflow on a stream of decoded records that already carries timestamps and
     * watermarks (e.g. {@link #watermarks}), and optionally raw schedule events (JSON text,
     * {@code null} for none; parsed, and given timestamps = start and watermarks here).
     */
    public static Outputs build(DataStream<IngestedRecord> records, DataStream<String> rawSchedule,
                                CrowdEmotionConfig config) {
        SingleOutputStreamOperator<CameraFrame> routed = records
                .process(new FrameRouter(config.detectorMode())).name("route").uid("frame-router");
        SingleOutputStreamOperator<CameraFrame> frames = dedupe(routed, config);

        SingleOutputStreamOperator<FaceCrop> crops = detect(frames, config);

        SingleOutputStreamOperator<FaceObservation> observations = enrich(crops, config);

        SingleOutputStreamOperator<StageWindowScore> windowScores = scoreWindows(observations, config);

        DataStream<DeadLetter> late = windowScores.getSideOutput(LATE)
                .map(new LateObservations()).name("late records").uid("late-records");

        DataStream<DeadLetter> ingest = routed.getSideOutput(FrameRouter.DEAD_LETTERS);
        if (frames != routed) {
            ingest = ingest.union(frames.getSideOutput(FrameRouter.DEAD_LETTERS));
        }
        DataStream<DeadLetter> deadLetters = ingest
                .union(crops.getSideOutput(FrameRouter.DEAD_LETTERS),
                        observations.getSideOutput(FrameRouter.DEAD_LETTERS), late);
        if (rawSchedule == null) {
            return new Outputs(windowScores, deadLetters, observations, crops, null, windowScores);
        }
        SetlistOutputs joined = joinSetlist(windowScores, rawSchedule, config);
        return new Outputs(joined.scores, deadLetters.union(joined.deadLetters), observations, crops,
                joined.performances, windowScores);
    }

    /**
     * Deduplication of frames before detection ({@link FrameDeduplicator}, keyed by camera id):
     * a second copy of (camera id, sequence number) within {@code FrameSource.dedupe.ttl.ms}
     * becomes a dead letter {@code DUPLICATE_FRAME} in the result's side output
     * {@link FrameRouter#DEAD_LETTERS}. Returns {@code routed} itself when the TTL is 0 and in
     * edge mode (which takes face records, not frames).
     */
    static SingleOutputStreamOperator<CameraFrame> dedupe(SingleOutputStreamOperator<CameraFrame> routed,
                                                          CrowdEmotionConfig config) {
        if (config.dedupeTtlMs() == 0 || config.detectorMode() == DetectorMode.EDGE) {
            return routed;
        }
        return routed.keyBy(CameraFrame::getCameraId)
                .process(new FrameDeduplicator(config.dedupeTtlMs()))
                .name("drop duplicate frames").uid("frame-dedupe");
    }

    /**
     * The window step: observations keyed by stage into event-time windows of
     * {@code Aggregation.window.size.ms} (sliding by {@code window.slide.ms} when smaller), which
     * late records still update for {@code allowed.lateness.ms} (each update re-emits the window);
     * later records go to the side output {@link #LATE}.
     */
    public static SingleOutputStreamOperator<StageWindowScore> scoreWindows(DataStream<FaceObservation> observations,
                                                                           CrowdEmotionConfig config) {
        Duration size = Duration.ofMillis(config.windowSizeMs());
        return observations
                .keyBy(FaceObservation::getStageId)
                .window(config.slidingWindows()
                        ? SlidingEventTimeWindows.of(size, Duration.ofMillis(config.windowSlideMs()))
                        : TumblingEventTimeWindows.of(size))
                .allowedLateness(Duration.ofMillis(config.allowedLatenessMs()))
                .sideOutputLateData(LATE)
                .aggregate(new StageScoreAggregate(), new StageWindowResult())
                .name("stage scores per window").uid("stage-window-scores");
    }

    /** What {@link #joinSetlist} produces. */
    public static final class SetlistOutputs {
        /** The window scores with artist, set and track (re-emitted when the setlist changes what they show). */
        public final DataStream<StageWindowScore> scores;
        /** Per-set and per-track summaries. */
        public final DataStream<PerformanceScore> performances;
        /** Schedule events that broke the rules. */
        public final DataStream<DeadLetter> deadLetters;

        SetlistOutputs(DataStream<StageWindowScore> scores, DataStream<PerformanceScore> performances,
                       DataStream<DeadLetter> deadLetters) {
            this.scores = scores;
            this.performances = performances;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * The setlist step: parses raw schedule events ({@link SetlistParser}, parallelism 1), gives
     * them event time ({@link #setlistWatermarks}) and joins them with the window scores by stage
     * ({@link SetlistJoin}).
     *
     * @param windowScores window scores carrying timestamps and watermarks (a window operator's output)
     * @param rawSchedule  schedule events as JSON text
     */
    public static SetlistOutputs joinSetlist(DataStream<StageWindowScore> windowScores, DataStream<String> rawSchedule,
                                             CrowdEmotionConfig config) {
        SingleOutputStreamOperator<ScheduleEvent> schedule = rawSchedule
                .process(new SetlistParser()).name("parse setlist").uid("setlist-parser").setParallelism(1);
        SingleOutputStreamOperator<StageWindowScore> scores = windowScores.keyBy(StageWindowScore::getStageId)
                .connect(schedule
                        .assignTimestampsAndWatermarks(setlistWatermarks(config)).name("setlist watermarks")
                        .uid("setlist-watermarks").setParallelism(1)
                        .keyBy(ScheduleEvent::getStageId))
                .process(new SetlistJoin(config.windowSizeMs(), config.setlistRetentionMs()))
                .name("join setlist").uid("setlist-join");
        return new SetlistOutputs(scores, scores.getSideOutput(SetlistJoin.PERFORMANCES),
                schedule.getSideOutput(FrameRouter.DEAD_LETTERS));
    }

    /**
     * Event time of schedule events: their start; the setlist never holds event time back for
     * longer than the idleness timeout (it is idle most of the time), and a schedule published
     * ahead of time moves its watermark ahead, which the join's minimum over both inputs ignores.
     */
    static WatermarkStrategy<ScheduleEvent> setlistWatermarks(CrowdEmotionConfig config) {
        return WatermarkStrategy.<ScheduleEvent>forBoundedOutOfOrderness(Duration.ZERO)
                .withTimestampAssigner((e, t) -> e.getStartMs())
                .withIdleness(Duration.ofMillis(config.idlenessMs()));
    }

    /**
     * Face detection, by {@code Detection.detector}: {@link FaceDetectionFunction} (embedded), or
     * {@link SageMakerDetection} (async, unordered, bounded capacity and timeout) followed by
     * {@link DetectedFrameCropping}, on the frame records; or, in edge mode, {@link EdgeFaceIntake}
     * on the face records of {@link FrameRouter#EDGE_FACES}. The result's side output
     * {@link FrameRouter#DEAD_LETTERS} holds what detection rejected.
     */
    static SingleOutputStreamOperator<FaceCrop> detect(SingleOutputStreamOperator<CameraFrame> frames,
                                                       CrowdEmotionConfig config) {
        switch (config.detectorMode()) {
            case EMBEDDED:
                return frames.process(new FaceDetectionFunction(config)).name("BlazeFace").uid("face-detection");
            case SAGEMAKER:
                return IdleSafeAsyncWaitOperatorFactory.unorderedWait(frames, new SageMakerDetection(config),
                                config.sageMakerAsyncTimeoutMs(), config.sageMakerAsyncCapacity(frames.getParallelism()),
                                TypeInformation.of(DetectedFrame.class), "SageMaker InvokeEndpoint", true)
                        .uid("sagemaker-detection")
                        .process(new DetectedFrameCropping(config)).name("crop faces").uid("sagemaker-face-crops");
            case EDGE:
                return frames.getSideOutput(FrameRouter.EDGE_FACES)
                        .process(new EdgeFaceIntake(config)).name("edge faces").uid("edge-face-intake");
            default:
                throw new IllegalStateException("unknown detector " + config.detectorMode());
        }
    }

    /**
     * The enrichment step on a stream of face crops and frame markers carrying timestamps and
     * watermarks: batching and admission per stage ({@link FaceBatcher}), async DetectFaces
     * ({@link RekognitionEnrichment}), and {@link EnrichmentOutcomes}. Frame markers and sampled-out
     * faces go around the async operator. The result's side output {@link FrameRouter#DEAD_LETTERS}
     * holds the crops Rekognition rejected for good.
     */
    public static SingleOutputStreamOperator<FaceObservation> enrich(DataStream<FaceCrop> crops,
                                                                     CrowdEmotionConfig config) {
        SingleOutputStreamOperator<FaceBatch> batches = crops
                .keyBy(FaceCrop::getStageId)
                .process(new FaceBatcher(config))
                .name("batch and admit faces").uid("face-batcher");
        return IdleSafeAsyncWaitOperatorFactory.unorderedWait(batches,
                        new RekognitionEnrichment(config), config.asyncTimeoutMs(),
                        config.asyncCapacity(batches.getParallelism()), TypeInformation.of(FaceObservation.class),
                        "DetectFaces", false) // joined by the BYPASS side output below: never announce IDLE
                .uid("rekognition-enrichment")
                // frame markers and sampled-out faces never wait in the async operator's queue
                .union(batches.getSideOutput(FaceBatcher.BYPASS))
                .process(new EnrichmentOutcomes()).name("enrichment outcomes").uid("enrichment-outcomes");
    }

    /**
     * Attaches the production sinks: DynamoDB for window scores and (with a setlist) performance
     * summaries, CloudWatch business metrics (with a {@code CloudWatch} group); dead letters are
     * counted per step and reason and logged ({@link DeadLetterCounts}), then written to the
     * {@code DeadLetters} group's Kinesis stream or directory ({@link DeadLetterSinks}), if it names one.
     */
    public static void attachSinks(Outputs outputs, CrowdEmotionConfig config) {
        outputs.scores.sinkTo(StageScoreSinks.dynamoDb(config)).name("scores: DynamoDB sink").uid("dynamodb-scores-sink");
        if (outputs.performances != null) {
            outputs.performances.sinkTo(StageScoreSinks.performances(config))
                    .name("performances: DynamoDB sink").uid("dynamodb-performances-sink");
        }
        if (config.cloudWatchEnabled()) {
            BusinessMetrics.attach(outputs.windowFirings, config);
        }
        SingleOutputStreamOperator<DeadLetter> counted = outputs.deadLetters
                .map(new DeadLetterCounts()).name("count and log dead letters").uid("dead-letter-log");
        if (config.deadLetterStreamArn() != null) {
            counted.sinkTo(DeadLetterSinks.kinesis(config)).name("dead letters: Kinesis sink").uid("dead-letter-kinesis-sink");
        } else if (config.deadLetterFilePath() != null) {
            counted.sinkTo(DeadLetterSinks.file(config)).name("dead letters: file sink").uid("dead-letter-file-sink");
        } else {
            counted.sinkTo(new DiscardingSink<>()).name("dead letters: log").uid("dead-letter-sink");
        }
    }
}
