package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Second half of SageMaker detection: decodes each frame and crops the faces the endpoint found
 * ({@link FrameCrops}, the same crops embedded detection makes). Box ratios become pixels as
 * {@code (float) (ratio x side)} in double precision, which gives back the detector's float
 * pixel coordinates. Failed frames and frames whose image does not decode go to
 * {@link FrameRouter#DEAD_LETTERS} (step {@code DETECTION}, the failure's reason or
 * {@code IMAGE_UNDECODABLE}).
 */
public class DetectedFrameCropping extends ProcessFunction<DetectedFrame, FaceCrop> {
    private static final long serialVersionUID = 1L;

    private final FrameCrops frameCrops;
    private transient Counter framesDecoded;
    private transient Counter facesDetected;
    private transient Counter deadLetters;

    /** Takes the crop settings from the {@code Detection} group. */
    public DetectedFrameCropping(CrowdEmotionConfig config) {
        this.frameCrops = new FrameCrops(config);
    }

    @Override
    public void open(Configuration parameters) {
        framesDecoded = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FRAMES_DECODED);
        facesDetected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_DETECTED);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(DetectedFrame detected, Context ctx, Collector<FaceCrop> out) {
        CameraFrame frame = detected.getFrame();
        if (detected.isFailed()) {
            deadLetter(ctx, frame, detected.getFailureReason(), detected.getFailureDetail());
            return;
        }
        BufferedImage image;
        try {
            image = Images.decode(frame.getImage());
        } catch (ImageDecodeException e) {
            deadLetter(ctx, frame, "IMAGE_UNDECODABLE", e.getMessage());
            return;
        }
        DeadLetter tooSmall = FrameCrops.checkSize(frame, image);
        if (tooSmall != null) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, tooSmall);
            return;
        }
        framesDecoded.inc();
        List<FaceBox> faces = toPixels(detected.getBoxes(), image.getWidth(), image.getHeight());
        facesDetected.inc(faces.size());
        DeadLetter dropped = frameCrops.emit(frame, image, faces, out);
        if (dropped != null) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, dropped);
        }
    }

    /**
     * Face boxes in pixels from {@code score, xmin, ymin, xmax, ymax} ratios.
     *
     * @param width image width, pixels
     * @param height image height, pixels
     */
    static List<FaceBox> toPixels(double[] boxes, int width, int height) {
        List<FaceBox> faces = new ArrayList<>(boxes.length / 5);
        for (int i = 0; i < boxes.length; i += 5) {
            double x0 = boxes[i + 1] * width;
            double y0 = boxes[i + 2] * height;
            float x = (float) x0;
            float y = (float) y0;
            faces.add(new FaceBox(x, y, (float) (boxes[i + 3] * width - x0), (float) (boxes[i + 4] * height - y0),
                    (float) boxes[i]));
        }
        return faces;
    }

    private void deadLetter(Context ctx, CameraFrame frame, String reason, String detail) {
        deadLetters.inc();
        ctx.output(FrameRouter.DEAD_LETTERS, new DeadLetter(DeadLetter.Step.DETECTION, reason, detail).withFrame(frame));
    }
}
