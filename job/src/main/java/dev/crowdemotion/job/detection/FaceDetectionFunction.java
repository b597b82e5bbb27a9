package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Embedded face detection: decodes each frame, runs BlazeFace (back camera, 256x256, through
 * DJL's OnnxRuntime engine; see the vision module) and emits one {@link FaceCrop#frameMarker
 * frame marker} followed by one JPEG {@link FaceCrop} per face ({@link FrameCrops}: cropped from
 * the full-resolution frame with the configured margin, upscaled to the configured minimum side,
 * since Rekognition rejects images under 80 px). The model is loaded once per parallel instance
 * in {@link #open}.
 *
 * <p>Frames whose image does not decode go to {@link FrameRouter#DEAD_LETTERS} with reason
 * {@code IMAGE_UNDECODABLE}.
 */
public class FaceDetectionFunction extends ProcessFunction<CameraFrame, FaceCrop> {
    private static final long serialVersionUID = 1L;

    private final float minScore;
    private final FrameCrops frameCrops;

    private transient BlazeFaceDetector detector;
    private transient Counter framesDecoded;
    private transient Counter facesDetected;
    private transient Counter deadLetters;

    /** Takes thresholds and crop settings from the {@code Detection} property group. */
    public FaceDetectionFunction(CrowdEmotionConfig config) {
        this.minScore = (float) config.minScore();
        this.frameCrops = new FrameCrops(config);
    }

    @Override
    public void open(Configuration parameters) {
        detector = BlazeFaceDetector.load(DetectorOptions.builder().minScore(minScore).build());
        framesDecoded = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FRAMES_DECODED);
        facesDetected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_DETECTED);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(CameraFrame frame, Context ctx, Collector<FaceCrop> out) {
        BufferedImage image;
        try {
            image = Images.decode(frame.getImage());
        } catch (ImageDecodeException e) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS,
                    new DeadLetter(DeadLetter.Step.DETECTION, "IMAGE_UNDECODABLE", e.getMessage()).withFrame(frame));
            return;
        }
        DeadLetter tooSmall = FrameCrops.checkSize(frame, image);
        if (tooSmall != null) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, tooSmall);
            return;
        }
        framesDecoded.inc();
        List<FaceBox> faces = detector.detect(image);
        facesDetected.inc(faces.size());
        DeadLetter dropped = frameCrops.emit(frame, image, faces, out);
        if (dropped != null) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, dropped);
        }
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }
}
