package dev.crowdemotion.modelserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The repository's top-level {@code data/} folder (found by walking up from the working directory). */
final class TestData {
    private TestData() {}

    /** {@code data/}, holding {@code images/} and {@code faces-voc/}. */
    static Path dir() {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("data");
            if (Files.isDirectory(d.resolve("images")) && Files.isDirectory(d.resolve("faces-voc"))) {
                return d;
            }
        }
        throw new IllegalStateException("no data/images and data/faces-voc above " + System.getProperty("user.dir"));
    }

    /** The bytes of {@code data/<relative>}. */
    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
