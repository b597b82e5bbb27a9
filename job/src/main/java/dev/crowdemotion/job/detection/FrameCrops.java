package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.deadletter.DeadLetter;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.job.enrichment.mosaic.RekognitionLimits;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import org.apache.flink.util.Collector;

import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the faces found in one decoded frame into the detection step's output: one
 * {@link FaceCrop#frameMarker frame marker}, then one {@link FaceCrop} per face, cropped from
 * the full-resolution frame by {@link FaceCropEncoder} with the {@code Detection} group's crop
 * settings. Shared by embedded and SageMaker detection, so both give the same crops for the same
 * boxes. Immutable and serialisable.
 */
public final class FrameCrops implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Smallest frame width and height accepted, pixels: Rekognition's minimum image side. */
    public static final int MIN_FRAME_SIDE_PX = RekognitionLimits.MIN_IMAGE_SIDE_PX;

    private final FaceCropEncoder encoder;
    private final int maxFaces;

    /**
     * Takes {@code crop.margin}, {@code crop.min.side.px}, {@code crop.jpeg.quality} and
     * {@code max.faces.per.frame} from the {@code Detection} group.
     */
    public FrameCrops(CrowdEmotionConfig config) {
        this.encoder = encoder(config);
        this.maxFaces = config.maxFacesPerFrame();
    }

    /**
     * The dead letter for a decoded frame the job does not take, or {@code null}: a frame under
     * {@link #MIN_FRAME_SIDE_PX} in width or height is {@code IMAGE_TOO_SMALL} (step {@code DETECTION}).
     */
    public static DeadLetter checkSize(CameraFrame frame, BufferedImage image) {
        if (image.getWidth() >= MIN_FRAME_SIDE_PX && image.getHeight() >= MIN_FRAME_SIDE_PX) {
            return null;
        }
        return new DeadLetter(DeadLetter.Step.DETECTION, "IMAGE_TOO_SMALL", "frame of " + image.getWidth() + "x"
                + image.getHeight() + " px is under " + MIN_FRAME_SIDE_PX + " px (Rekognition's minimum image side)")
                .withFrame(frame);
    }

    /** The {@link FaceCropEncoder} for the {@code Detection} group's crop settings. */
    public static FaceCropEncoder encoder(CrowdEmotionConfig config) {
        return new FaceCropEncoder((float) config.cropMargin(), config.cropMinSidePx(), (float) config.cropJpegQuality());
    }

    /**
     * Emits the frame marker and the face crops of at most {@code max.faces.per.frame} faces, the
     * highest-scoring ones; the marker counts the faces kept.
     *
     * @param frame the frame (identity fields only are used)
     * @param image the decoded frame
     * @param detected the faces, pixels of {@code image}
     * @return the dead letter {@code TOO_MANY_FACES} (step {@code DETECTION}) when faces were
     *     dropped, its detail {@code "detected=N kept=K dropped=D"}; {@code null} otherwise
     */
    public DeadLetter emit(CameraFrame frame, BufferedImage image, List<FaceBox> detected, Collector<FaceCrop> out) {
        List<FaceBox> faces = detected;
        if (detected.size() > maxFaces) {
            faces = new ArrayList<>(detected);
            faces.sort(Comparator.comparingDouble(FaceBox::score).reversed()); // stable: ties keep their order
            faces = faces.subList(0, maxFaces);
        }
        out.collect(FaceCrop.frameMarker(frame.getStageId(), frame.getCameraId(), frame.getCaptureTimeMs(),
                frame.getSequenceNumber(), faces.size()));
        float w = image.getWidth();
        float h = image.getHeight();
        for (int i = 0; i < faces.size(); i++) {
            FaceBox box = faces.get(i);
            out.collect(FaceCrop.face(frame.getStageId(), frame.getCameraId(), frame.getCaptureTimeMs(),
                    frame.getSequenceNumber(), faces.size(), i,
                    clamp01(box.x() / w), clamp01(box.y() / h), clamp01(box.width() / w), clamp01(box.height() / h),
                    box.score(), encoder.encode(image, box)));
        }
        if (faces.size() == detected.size()) {
            return null;
        }
        return new DeadLetter(DeadLetter.Step.DETECTION, "TOO_MANY_FACES", "detected=" + detected.size()
                + " kept=" + faces.size() + " dropped=" + (detected.size() - faces.size()))
                .withFrame(frame);
    }

    /** {@code v} clamped to 0..1. */
    static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
