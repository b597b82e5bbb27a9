package dev.crowdemotion.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the vendored test data folder {@code data/} of the repository. */
public final class TestData {
    private TestData() {}

    /** The repository's {@code data/} folder, found by walking up from the working directory. */
    public static Path dir() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("data/images"))) {
                return p.resolve("data");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("data/images not found above " + System.getProperty("user.dir"));
    }

    /** Bytes of {@code data/images/<name>}. */
    public static byte[] image(String name) {
        try {
            return Files.readAllBytes(dir().resolve("images").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
