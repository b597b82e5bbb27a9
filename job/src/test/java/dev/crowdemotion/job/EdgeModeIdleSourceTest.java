package dev.crowdemotion.job;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.job.detection.FrameCrops;
import dev.crowdemotion.kinesis.IngestedRecord;
import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.rekognition.RekognitionStandIn;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import dev.crowdemotion.vision.Images;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edge mode with a source that delivers its records in one burst and then goes idle (as a Kinesis
 * shard read from TRIM_HORIZON does): every face must be in its window, none late.
 */
class EdgeModeIdleSourceTest {
    private static final long T0 = 1_763_769_600_000L;
    static final ConcurrentLinkedQueue<DeadLetter> DEAD_LETTERS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<StageWindowScore> SCORES = new ConcurrentLinkedQueue<>();
    static final List<IngestedRecord> RECORDS = new ArrayList<>();

    /** Emits {@link #RECORDS}, then nothing. */
    static final class BurstThenIdle implements SourceFunction<IngestedRecord> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<IngestedRecord> ctx) throws Exception {
            for (IngestedRecord r : RECORDS) {
                ctx.collect(r);
            }
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    @Test
    void noFaceIsLateWhenTheSourceGoesIdleAfterABurst() throws Exception {
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        Path data = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("data");
        List<Path> photos;
        try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(6).collect(Collectors.toList());
        }
        try (RekognitionStandIn rekognition = RekognitionStandIn.start()) {
            Map<String, Properties> groups = new HashMap<>();
            Properties src = new Properties();
            src.setProperty(ConfigKeys.STREAM_ARN, LocalAws.streamArn("unused"));
            groups.put(ConfigKeys.GROUP_FRAME_SOURCE, src);
            Properties det = new Properties();
            det.setProperty(ConfigKeys.DETECTOR, "edge");
            groups.put(ConfigKeys.GROUP_DETECTION, det);
            Properties rek = new Properties();
            rek.setProperty(ConfigKeys.AWS_REGION, LocalAws.REGION);
            rek.setProperty(ConfigKeys.AWS_ENDPOINT, rekognition.endpoint().toString());
            rek.setProperty(ConfigKeys.MAX_TPS, "500");
            rek.setProperty(ConfigKeys.MOSAIC_MAX_FACES, "1");
            groups.put(ConfigKeys.GROUP_REKOGNITION, rek);
            Properties agg = new Properties();
            agg.setProperty(ConfigKeys.IDLENESS_MS, "1000");
            groups.put(ConfigKeys.GROUP_AGGREGATION, agg);
            CrowdEmotionConfig config = new CrowdEmotionConfig(groups);

            FaceCropEncoder encoder = FrameCrops.encoder(config);
            long faces = 0;
            try (BlazeFaceDetector detector = BlazeFaceDetector.load(DetectorOptions.builder().build())) {
                for (int i = 0; i < 24; i++) {
                    BufferedImage image = Images.decode(Files.readAllBytes(photos.get(i % photos.size())));
                    List<FaceBox> boxes = detector.detect(image);
                    String camera = "cam-" + (i % 2);
                    String stage = i % 4 < 2 ? "pop" : "jazz";
                    long t = T0 + i * 1000L;
                    for (int f = 0; f < boxes.size(); f++) {
                        FaceBox b = boxes.get(f);
                        RECORDS.add(IngestedRecord.of(EdgeFace.face(camera, stage, t, i, image.getWidth(), image.getHeight(),
                                boxes.size(), f, b.x(), b.y(), b.width(), b.height(), b.score(), MediaType.JPEG,
                                encoder.encode(image, b))));
                    }
                    faces += boxes.size();
                }
            }
            RECORDS.add(IngestedRecord.of(EdgeFace.noFace("cam-0", "pop", T0 + 60_000, 99, 640, 480)));
            RECORDS.add(IngestedRecord.of(EdgeFace.noFace("cam-1", "jazz", T0 + 60_000, 99, 640, 480)));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            DataStream<IngestedRecord> records = env.addSource(new BurstThenIdle(), TypeInformation.of(IngestedRecord.class))
                    .setParallelism(1)
                    .assignTimestampsAndWatermarks(CrowdEmotionPipeline.watermarks(config)).setParallelism(1);
            CrowdEmotionPipeline.Outputs out = CrowdEmotionPipeline.build(records, config);
            out.scores.addSink(new SinkFunction<StageWindowScore>() {
                @Override
                public void invoke(StageWindowScore value, Context context) {
                    SCORES.add(value);
                }
            });
            out.deadLetters.addSink(new SinkFunction<DeadLetter>() {
                @Override
                public void invoke(DeadLetter value, Context context) {
                    DEAD_LETTERS.add(value);
                }
            });
            JobClient job = env.executeAsync();
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline
                        && SCORES.stream().mapToLong(StageWindowScore::getFramesSeen).sum() < 24) {
                    Thread.sleep(200);
                }
                Thread.sleep(2_000);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            System.out.println("scores: " + SCORES);
            assertThat(DEAD_LETTERS).isEmpty();
            assertThat(SCORES.stream().mapToLong(StageWindowScore::getFacesDetected).sum()).isEqualTo(faces);
            assertThat(SCORES.stream().mapToLong(StageWindowScore::getFacesEnriched).sum()).isEqualTo(faces);
        }
    }
}
