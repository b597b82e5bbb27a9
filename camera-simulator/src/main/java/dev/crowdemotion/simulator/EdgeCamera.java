package dev.crowdemotion.simulator;

import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.EdgeFace;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import dev.crowdemotion.frame.MediaType;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.FaceCropEncoder;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A camera in edge mode: it detects faces itself and sends, instead of a frame, one record of
 * type {@code "face"} per face (the crop plus its box in the frame), or one no-face record for a
 * frame without faces ({@code docs/frame-contract.md}, "Edge cameras").
 *
 * <p>It does exactly what the job's embedded detection does with the frame it would have
 * received: decode the encoded frame bytes ({@link Images#decode}; not the image before JPEG
 * encoding, which differs since JPEG is lossy), {@link BlazeFaceDetector#detect}, and crop face
 * {@code i} with {@link FaceCropEncoder#encode}. With the job's detector score threshold and crop
 * settings ({@link #jobDefaultCrops()} for the defaults), the crops are byte-identical to those the
 * job would make from the full frame.
 *
 * <p>Thread-safe: one instance, and its one detector, serve all cameras. The detector is not
 * owned (the caller closes it).
 */
public final class EdgeCamera implements RecordEncoder {
    private final BlazeFaceDetector detector;
    private final FaceCropEncoder crops;

    /**
     * @param detector the face detector, loaded with the job's minimum score; shared, not closed here
     * @param crops the crop settings, equal to the job's {@code Detection} group
     * @throws NullPointerException if an argument is null
     */
    public EdgeCamera(BlazeFaceDetector detector, FaceCropEncoder crops) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.crops = Objects.requireNonNull(crops, "crops");
    }

    /**
     * The crop settings of the job's defaults: {@link ConfigKeys#DEFAULT_CROP_MARGIN},
     * {@link ConfigKeys#DEFAULT_CROP_MIN_SIDE_PX}, {@link ConfigKeys#DEFAULT_CROP_JPEG_QUALITY}
     * (narrowed to float as the job does).
     */
    public static FaceCropEncoder jobDefaultCrops() {
        return new FaceCropEncoder((float) ConfigKeys.DEFAULT_CROP_MARGIN, ConfigKeys.DEFAULT_CROP_MIN_SIDE_PX,
                (float) ConfigKeys.DEFAULT_CROP_JPEG_QUALITY);
    }

    /** The crop settings. */
    public FaceCropEncoder crops() {
        return crops;
    }

    /**
     * The face records of one frame, in detection order: one per face (index 0..n-1, each with
     * {@code facesInFrame == n}), or one no-face record if the detector finds none. Ids, capture
     * time and sequence number are the frame's; the frame size is that of the decoded image.
     *
     * @param frame an encoded frame (JPEG or PNG), as it would have been sent
     * @throws ImageDecodeException if the frame's image does not decode
     */
    public List<EdgeFace> faces(CameraFrame frame) throws ImageDecodeException {
        BufferedImage image = Images.decode(frame.getImage());
        List<FaceBox> boxes = detector.detect(image);
        int w = image.getWidth();
        int h = image.getHeight();
        if (boxes.isEmpty()) {
            return List.of(EdgeFace.noFace(frame.getCameraId(), frame.getStageId(), frame.getCaptureTimeMs(),
                    frame.getSequenceNumber(), w, h));
        }
        List<EdgeFace> out = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            FaceBox b = boxes.get(i);
            out.add(EdgeFace.face(frame.getCameraId(), frame.getStageId(), frame.getCaptureTimeMs(),
                    frame.getSequenceNumber(), w, h, boxes.size(), i, b.x(), b.y(), b.width(), b.height(), b.score(),
                    MediaType.JPEG, crops.encode(image, b)));
        }
        return out;
    }

    /**
     * {@link #faces} encoded with {@link FrameCodec#encode(EdgeFace)}, in the same order.
     *
     * @throws ImageDecodeException if the frame's image does not decode
     * @throws FrameFormatException if a face breaks the contract (e.g. a bad camera id)
     */
    @Override
    public List<EncodedRecord> encode(CameraFrame frame) throws FrameFormatException, ImageDecodeException {
        List<EdgeFace> faces = faces(frame);
        List<EncodedRecord> out = new ArrayList<>(faces.size());
        for (EdgeFace f : faces) {
            out.add(new EncodedRecord(f.isNoFace() ? EncodedRecord.Kind.NO_FACE : EncodedRecord.Kind.FACE,
                    FrameCodec.encode(f)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "EdgeCamera[margin=" + crops.margin() + ", minSidePx=" + crops.minSidePx() + ", jpegQuality="
                + crops.jpegQuality() + "]";
    }
}
