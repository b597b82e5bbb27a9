package dev.crowdemotion.simulator;

import dev.crowdemotion.vision.ImageDecodeException;
import dev.crowdemotion.vision.Images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finding and reading the photos of a folder (JPEG and PNG files, by name). */
public final class Photos {
    private Photos() {}

    /** A photo: file name, encoded bytes and decoded image. */
    public static final class Photo {
        private final String name;
        private final byte[] bytes;
        private final BufferedImage image;

        public Photo(String name, byte[] bytes, BufferedImage image) {
            this.name = name;
            this.bytes = bytes;
            this.image = image;
        }

        public String name() { return name; }
        public byte[] bytes() { return bytes; }
        public BufferedImage image() { return image; }
    }

    /**
     * The {@code .jpg}, {@code .jpeg} and {@code .png} files directly in {@code dir}, sorted by name.
     *
     * @throws IOException if {@code dir} is not a readable directory or holds no such file
     */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(Photos::isImageName).sorted()
                    .collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            throw new IOException("no .jpg/.jpeg/.png images in " + dir);
        }
        return files;
    }

    /**
     * Reads and decodes every photo of {@code dir} (see {@link #list}).
     *
     * @throws IOException if the folder cannot be read or a file is not a decodable image
     */
    public static List<Photo> load(Path dir) throws IOException {
        List<Photo> photos = new ArrayList<>();
        for (Path f : list(dir)) {
            byte[] bytes = Files.readAllBytes(f);
            try {
                photos.add(new Photo(f.getFileName().toString(), bytes, Images.decode(bytes)));
            } catch (ImageDecodeException e) {
                throw new IOException(f + ": " + e.getMessage(), e);
            }
        }
        return photos;
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }
}
