package dev.crowdemotion.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Static checks of {@code model-server/Dockerfile} (there is no Docker engine on the build
 * machine): pinned base image, port 8080, an entry point that starts this module's shaded jar on
 * 0.0.0.0 for {@code docker run <image> serve}, and a COPY of exactly the jar the shade plugin
 * produces (name read from this module's pom.xml).
 */
class DockerfileTest {
    private static Path module;
    private static List<String[]> instructions;

    @BeforeAll
    static void parse() throws IOException {
        module = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isRegularFile(module.resolve("Dockerfile"))) {
            module = module.resolve("model-server"); // run from the repository root
        }
        instructions = instructions(Files.readAllLines(module.resolve("Dockerfile")));
    }

    /** Instructions as {@code {KEYWORD, arguments}}, comments dropped, continuation lines joined. */
    static List<String[]> instructions(List<String> lines) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String s = current.toString().strip();
            current.setLength(0);
            if (s.isEmpty()) {
                continue;
            }
            int sp = s.indexOf(' ');
            out.add(new String[] {s.substring(0, sp).toUpperCase(Locale.ROOT), s.substring(sp + 1).strip()});
        }
        return out;
    }

    private static List<String> args(String keyword) {
        return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    private static List<String> execForm(String keyword) throws IOException {
        List<String> all = args(keyword);
        assertThat(all).as(keyword).hasSize(1);
        assertThat(all.get(0)).as(keyword + " in exec (JSON) form, so signals reach the JVM").startsWith("[");
        return Arrays.asList(new ObjectMapper().readValue(all.get(0), String[].class));
    }

    @Test
    void baseImageIsPinnedToATag() {
        List<String> from = args("FROM");
        assertThat(from).hasSize(1);
        String image = from.get(0).split("\\s+")[0];
        assertThat(image).as("tag or digest").matches("[^:@\\s]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})");
        assertThat(image).doesNotEndWith(":latest");
        assertThat(image).startsWith("eclipse-temurin:17");
    }

    @Test
    void exposes8080() {
        assertThat(args("EXPOSE")).anySatisfy(e -> assertThat(e.split("\\s+")).contains("8080"));
        assertThat(ModelServer.SAGEMAKER_PORT).isEqualTo(8080);
    }

    @Test
    void entryPointRunsTheCopiedJarOnAllInterfacesAndAcceptsServe() throws IOException {
        List<String> entry = execForm("ENTRYPOINT");
        List<String> cmd = execForm("CMD");
        assertThat(entry.get(0)).isEqualTo("java");
        int jar = entry.indexOf("-jar");
        assertThat(jar).isPositive();
        String jarPath = entry.get(jar + 1);
        assertThat(copyDestination()).isEqualTo(jarPath);
        List<String> serverArgs = new ArrayList<>(entry.subList(jar + 2, entry.size()));
        assertThat(String.join(" ", serverArgs)).matches(".*--host[= ]0\\.0\\.0\\.0.*");
        assertThat(cmd).containsExactly("serve");
        // what `docker run <image> serve` passes to ModelServerMain parses, binds 0.0.0.0:8080
        serverArgs.add("serve");
        ModelServerMain main = new ModelServerMain();
        new picocli.CommandLine(main).parseArgs(serverArgs.toArray(new String[0]));
        assertThat(main.host).isEqualTo("0.0.0.0");
        assertThat(main.effectivePort(null)).isEqualTo(8080);
        assertThat(main.options()).isNotNull();
    }

    @Test
    void copiesTheJarTheShadePluginProduces() throws Exception {
        String expected = shadedJarName();
        String source = copySource();
        assertThat(source).startsWith("target/");
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
        assertThat(glob.matches(Paths.get("target", expected))).as(source + " matches " + expected).isTrue();
        assertThat(glob.matches(Paths.get("target", expected.replace("-server.jar", ".jar")))).isFalse();
        Path target = module.resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> matching = files.map(module::relativize).filter(glob::matches).toList();
                // after `mvn package` exactly the shaded jar; before it (test phase) none yet
                assertThat(matching).allSatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo(expected));
            }
        }
    }

    @Test
    void pomMainClassIsTheServerEntryPoint() throws Exception {
        Document pom = pom();
        assertThat(pom.getElementsByTagName("mainClass").item(0).getTextContent().strip())
                .isEqualTo(ModelServerMain.class.getName());
    }

    private static String copySource() {
        String[] parts = copy();
        return parts[0];
    }

    private static String copyDestination() {
        String[] parts = copy();
        return parts[1];
    }

    private static String[] copy() {
        List<String> copies = args("COPY").stream().filter(c -> c.contains(".jar")).toList();
        assertThat(copies).hasSize(1);
        String[] parts = copies.get(0).split("\\s+");
        assertThat(parts).hasSize(2);
        return parts;
    }

    /** {@code <artifactId>-<version>-<shadedClassifierName>.jar} from this module's pom.xml. */
    private static String shadedJarName() throws Exception {
        Document pom = pom();
        Element project = pom.getDocumentElement();
        String artifactId = child(project, "artifactId");
        String version = child(project, "version");
        if (version == null) {
            version = child((Element) project.getElementsByTagName("parent").item(0), "version");
        }
        assertThat(project.getElementsByTagName("shadedArtifactAttached").item(0).getTextContent().strip()).isEqualTo("true");
        String classifier = project.getElementsByTagName("shadedClassifierName").item(0).getTextContent().strip();
        return artifactId + "-" + version + "-" + classifier + ".jar";
    }

    private static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(module.resolve("pom.xml").toFile());
    }

    private static String child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
