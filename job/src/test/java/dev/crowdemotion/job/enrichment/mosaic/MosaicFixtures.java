package dev.crowdemotion.job.enrichment.mosaic;

import dev.crowdemotion.vision.BlazeFaceDetector;
import dev.crowdemotion.vision.FaceBox;
import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real face crops for the mosaic tests: BlazeFace (the job's detector, default options) on the 9
 * PASCAL VOC photos of {@code data/faces-voc/} (43 labelled faces) and on
 * {@code data/images/astronaut.png} and {@code grace_hopper_512x512.jpg}, each face cut exactly
 * as {@code FaceDetectionFunction} does with the job's defaults: {@code Images.crop(image, box,
 * 0.25f)}, {@code Images.scaleToMinSide(.., 96)}, {@code Images.encodeJpeg(.., 0.9f)}. Computed
 * once per test JVM.
 */
final class MosaicFixtures {
    /** Job defaults (ConfigKeys): crop margin, minimum crop side in pixels, JPEG quality. */
    static final float CROP_MARGIN = 0.25f;
    static final int CROP_MIN_SIDE_PX = 96;
    static final float CROP_JPEG_QUALITY = 0.9f;

    /** One face crop: where it comes from and its JPEG bytes. */
    record Crop(String photo, int face, FaceBox box, byte[] jpeg, int width, int height) {
        @Override
        public String toString() {
            return photo + "#" + face;
        }
    }

    private static List<Crop> crops;

    private MosaicFixtures() {}

    /** The repository's {@code data/} folder, found by walking up from the working directory. */
    static Path dataDir() {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("data");
            if (Files.isDirectory(d.resolve("images")) && Files.isDirectory(d.resolve("faces-voc"))) {
                return d;
            }
        }
        throw new IllegalStateException("no data/images and data/faces-voc above " + System.getProperty("user.dir"));
    }

    static synchronized List<Crop> crops() {
        if (crops == null) {
            List<Path> photos = new ArrayList<>();
            Path data = dataDir();
            try (Stream<Path> s = Files.list(data.resolve("faces-voc"))) {
                s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().forEach(photos::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            photos.add(data.resolve("images/astronaut.png"));
            photos.add(data.resolve("images/grace_hopper_512x512.jpg"));
            List<Crop> out = new ArrayList<>();
            try (BlazeFaceDetector detector = BlazeFaceDetector.loadDefault()) {
                for (Path photo : photos) {
                    BufferedImage image = Images.decode(Files.readAllBytes(photo));
                    List<FaceBox> faces = detector.detect(image);
                    for (int i = 0; i < faces.size(); i++) {
                        BufferedImage crop = Images.scaleToMinSide(Images.crop(image, faces.get(i), CROP_MARGIN), CROP_MIN_SIDE_PX);
                        out.add(new Crop(photo.getFileName().toString(), i, faces.get(i),
                                Images.encodeJpeg(crop, CROP_JPEG_QUALITY), crop.getWidth(), crop.getHeight()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ImageDecodeException e) {
                throw new IllegalStateException(e);
            }
            crops = List.copyOf(out);
        }
        return crops;
    }

    /** The JPEG bytes of {@code crops}. */
    static List<byte[]> jpegs(List<Crop> crops) {
        return crops.stream().map(Crop::jpeg).toList();
    }
}
