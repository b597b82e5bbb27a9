package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.job.JobMetrics;
import dev.crowdemotion.job.ingest.FrameRouter;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.awt.image.BufferedImage;

/**
 * Edge mode: turns faces detected on the cameras ({@link EdgeFace}, record type {@code "face"},
 * already checked against the frame contract by the source) into the detection step's output,
 * the same {@link FaceCrop}s embedded detection would make of the whole frame.
 *
 * <ul>
 *   <li>A frame's marker is emitted with its face 0 (or its no-face record), so each frame is
 *       counted once, with the camera's face count.</li>
 *   <li>The crop is decoded to validate it (a few hundred microseconds for a face-sized JPEG);
 *       one that does not decode goes to {@link FrameRouter#DEAD_LETTERS} with
 *       {@code IMAGE_UNDECODABLE}. A crop whose shorter side is below {@code Detection.crop.min.side.px}
 *       is enlarged and re-encoded (Rekognition rejects images under 80 px); other crops are passed
 *       on byte for byte.</li>
 *   <li>The box becomes ratios of the frame size, computed as embedded detection does.</li>
 * </ul>
 */
public class EdgeFaceIntake extends ProcessFunction<EdgeFace, FaceCrop> {
    private static final long serialVersionUID = 1L;

    private final int minSidePx;
    private final float jpegQuality;
    private transient Counter framesIn;
    private transient Counter facesDetected;
    private transient Counter cropsRescaled;
    private transient Counter deadLetters;

    /** Takes {@code crop.min.side.px} and {@code crop.jpeg.quality} from the {@code Detection} group. */
    public EdgeFaceIntake(CrowdEmotionConfig config) {
        this.minSidePx = config.cropMinSidePx();
        this.jpegQuality = (float) config.cropJpegQuality();
    }

    @Override
    public void open(Configuration parameters) {
        framesIn = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.EDGE_FRAMES);
        facesDetected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.FACES_DETECTED);
        cropsRescaled = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.EDGE_CROPS_RESCALED);
        deadLetters = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(EdgeFace face, Context ctx, Collector<FaceCrop> out) {
        if (face.isNoFace()) {
            framesIn.inc();
            out.collect(marker(face));
            return;
        }
        byte[] jpeg = face.getImage();
        BufferedImage crop;
        try {
            crop = Images.decode(jpeg);
        } catch (ImageDecodeException e) {
            deadLetters.inc();
            ctx.output(FrameRouter.DEAD_LETTERS, new DeadLetter(DeadLetter.Step.DETECTION, "IMAGE_UNDECODABLE",
                    "edge face crop " + face.getFaceIndex() + ": " + e.getMessage())
                    .withFrame(face.getCameraId(), face.getStageId(), face.getCaptureTimeMs())
                    .withPayloadBytes(jpeg.length));
            return;
        }
        if (Math.min(crop.getWidth(), crop.getHeight()) < minSidePx) {
            cropsRescaled.inc();
            jpeg = Images.encodeJpeg(Images.scaleToMinSide(crop, minSidePx), jpegQuality);
        }
        if (face.getFaceIndex() == 0) {
            framesIn.inc();
            facesDetected.inc(face.getFacesInFrame());
            out.collect(marker(face));
        }
        float w = face.getFrameWidth();
        float h = face.getFrameHeight();
        out.collect(FaceCrop.face(face.getStageId(), face.getCameraId(), face.getCaptureTimeMs(),
                face.getSequenceNumber(), face.getFacesInFrame(), face.getFaceIndex(),
                FrameCrops.clamp01(face.getBoxX() / w), FrameCrops.clamp01(face.getBoxY() / h),
                FrameCrops.clamp01(face.getBoxWidth() / w), FrameCrops.clamp01(face.getBoxHeight() / h),
                face.getScore(), jpeg));
    }

    private static FaceCrop marker(EdgeFace face) {
        return FaceCrop.frameMarker(face.getStageId(), face.getCameraId(), face.getCaptureTimeMs(),
                face.getSequenceNumber(), face.getFacesInFrame());
    }
}
