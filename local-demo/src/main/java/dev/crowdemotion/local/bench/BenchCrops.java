package dev.crowdemotion.local.bench;

import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.DetectorOptions;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's face crops: BlazeFace on {@code data/faces-voc/*.jpg},
 * {@code data/images/astronaut.png} and {@code data/images/grace_hopper_512x512.jpg}, each face
 * cut exactly as the job's {@code FaceDetectionFunction} cuts it, with the {@code Detection}
 * group's settings (defaults: min score 0.6, {@code Images.crop(image, box, 0.25f)},
 * {@code Images.scaleToMinSide(.., 96)}, {@code Images.encodeJpeg(.., 0.9f)}). About 45 crops.
 */
final class BenchCrops {
    /** One crop: its source photo and face index, its box as ratios of the photo, its JPEG. */
    record Crop(String photo, int face, float left, float top, float width, float height, float score, byte[] jpeg)
            implements Serializable {
        @Override
        public String toString() {
            return photo + "#" + face;
        }
    }

    private BenchCrops() {}

    /** The repository's {@code data/} folder: {@code dir} if given, else found upwards from the working directory. */
    static Path dataDir(Path dir) {
        if (dir != null) {
            return dir;
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("data");
            if (Files.isDirectory(d.resolve("faces-voc")) && Files.isDirectory(d.resolve("images"))) {
                return d;
            }
        }
        throw new IllegalStateException("no data/faces-voc and data/images above " + Paths.get("").toAbsolutePath()
                + "; pass --data");
    }

    /** Detects and cuts the crops, with the job's detection settings from {@code config}. */
    static List<Crop> load(Path data, CrowdEmotionConfig config) throws IOException {
        List<Path> photos = new ArrayList<>();
        try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().forEach(photos::add);
        }
        photos.add(data.resolve("images/astronaut.png"));
        photos.add(data.resolve("images/grace_hopper_512x512.jpg"));
        float margin = (float) config.cropMargin();
        int minSide = config.cropMinSidePx();
        float quality = (float) config.cropJpegQuality();
        List<Crop> out = new ArrayList<>();
        try (BlazeFaceDetector detector = BlazeFaceDetector.load(
                DetectorOptions.builder().minScore((float) config.minScore()).build())) {
            for (Path photo : photos) {
                BufferedImage image;
                try {
                    image = Images.decode(Files.readAllBytes(photo));
                } catch (ImageDecodeException e) {
                    throw new IOException("cannot decode " + photo, e);
                }
                float w = image.getWidth();
                float h = image.getHeight();
                List<FaceBox> faces = detector.detect(image);
                for (int i = 0; i < faces.size(); i++) {
                    FaceBox box = faces.get(i);
                    BufferedImage crop = Images.scaleToMinSide(Images.crop(image, box, margin), minSide);
                    out.add(new Crop(photo.getFileName().toString(), i, box.x() / w, box.y() / h, box.width() / w,
                            box.height() / h, box.score(), Images.encodeJpeg(crop, quality)));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no face found in " + photos);
        }
        return List.copyOf(out);
    }
}
