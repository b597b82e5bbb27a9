package dev.crowdemotion.job.detection;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import org.apache.flink.util.Collector;

import java.awt.image.BufferedImage;
import java.io.Serializable;
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

    private final FaceCropEncoder encoder;

    /** Takes {@code crop.margin}, {@code crop.min.side.px} and {@code crop.jpeg.quality} from the {@code Detection} group. */
    public FrameCrops(CrowdEmotionConfig config) {
        this.encoder = encoder(config);
    }

    /** The {@link FaceCropEncoder} for the {@code Detection} group's crop settings. */
    public static FaceCropEncoder encoder(CrowdEmotionConfig config) {
        return new FaceCropEncoder((float) config.cropMargin(), config.cropMinSidePx(), (float) config.cropJpegQuality());
    }

    /**
     * Emits the frame marker and the face crops.
     *
     * @param frame the frame (identity fields only are used)
     * @param image the decoded frame
     * @param faces the faces, pixels of {@code image}
     */
    public void emit(CameraFrame frame, BufferedImage image, List<FaceBox> faces, Collector<FaceCrop> out) {
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
    }

    /** {@code v} clamped to 0..1. */
    static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
