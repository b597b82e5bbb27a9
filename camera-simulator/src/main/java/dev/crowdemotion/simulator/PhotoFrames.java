package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.vision.ImageDecodeException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Frames that cycle through the photos of a folder: camera {@code c} sends photo
 * {@code (offset(c) + sequence) mod n}, where the offset is derived from the camera id so
 * cameras of a stage do not all show the same photo. Photos are sent as they are (JPEG or PNG)
 * unless they exceed the record limit, or a JPEG quality is given to transcode them all.
 * Immutable and thread-safe.
 */
public final class PhotoFrames implements FrameGenerator {
    private final List<String> names;
    private final List<FrameFitter.Encoded> images;

    private PhotoFrames(List<String> names, List<FrameFitter.Encoded> images) {
        this.names = Collections.unmodifiableList(names);
        this.images = Collections.unmodifiableList(images);
    }

    /** The photos of {@code dir}, sent as they are (fitted to the record limit). */
    public static PhotoFrames fromDirectory(Path dir) throws IOException {
        return fromDirectory(dir, 0f);
    }

    /**
     * @param jpegQuality if in (0, 1], every photo is re-encoded as JPEG at this quality (smaller
     *     records: the local Kinesis emulator handles about 1 MB/s); 0 keeps the originals
     * @throws IOException if the folder has no readable JPEG/PNG photo
     */
    public static PhotoFrames fromDirectory(Path dir, float jpegQuality) throws IOException {
        if (jpegQuality < 0 || jpegQuality > 1) {
            throw new IllegalArgumentException("jpegQuality must be in [0, 1], not " + jpegQuality);
        }
        List<String> names = new ArrayList<>();
        List<FrameFitter.Encoded> images = new ArrayList<>();
        for (Photos.Photo p : Photos.load(dir)) {
            String what = dir.resolve(p.name()).toString();
            names.add(p.name());
            if (jpegQuality > 0) {
                images.add(FrameFitter.encodeJpeg(p.image(), jpegQuality, FrameFitter.MAX_IMAGE_BYTES, what));
            } else {
                try {
                    images.add(FrameFitter.fit(p.bytes(), FrameFitter.MAX_IMAGE_BYTES, what));
                } catch (ImageDecodeException e) {
                    throw new IOException(what + ": " + e.getMessage(), e);
                }
            }
        }
        return new PhotoFrames(names, images);
    }

    /** File names of the photos, in cycling order. */
    public List<String> names() {
        return names;
    }

    /** Index of the photo camera {@code cameraId} sends as frame {@code sequence}. */
    public int photoIndex(String cameraId, long sequence) {
        long offset = Math.floorMod(Seeds.mix(0, cameraId), (long) images.size());
        return (int) Math.floorMod(offset + sequence, (long) images.size());
    }

    @Override
    public CameraFrame next(String cameraId, String stageId, long sequence, long captureTimeMs) {
        FrameFitter.Encoded e = images.get(photoIndex(cameraId, sequence));
        return new CameraFrame(cameraId, stageId, captureTimeMs, sequence, e.mediaType(), e.bytes());
    }
}
