package dev.crowdemotion.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The repository the tests run in: its root, the compose file, the Dockerfile, and values from the
 * poms and npm lock file (read, never copied into the tests).
 */
final class Repo {
    static final Path ROOT = findRoot();
    static final ComposeFile COMPOSE = ComposeFile.read(ROOT.resolve("docker-compose.yml"));

    private Repo() {}

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    /** A {@code <properties>} value of the parent pom, e.g. {@code flink.version}. */
    static String parentProperty(String name) {
        Element props = child(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "properties");
        Element value = child(props, name);
        if (value == null) {
            throw new IllegalStateException("no property " + name + " in pom.xml");
        }
        return value.getTextContent().trim();
    }

    /** The parent pom's own version (the modules' version). */
    static String projectVersion() {
        return child(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version").getTextContent().trim();
    }

    /** The parent pom's {@code <modules>}. */
    static List<String> modules() {
        List<String> out = new ArrayList<>();
        NodeList list = child(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "modules").getElementsByTagName("module");
        for (int i = 0; i < list.getLength(); i++) {
            out.add(list.item(i).getTextContent().trim());
        }
        return out;
    }

    /** Every element text of that name anywhere in a module's pom (e.g. {@code id} of its profiles). */
    static List<String> pomTexts(String module, String element) {
        List<String> out = new ArrayList<>();
        NodeList list = pom(ROOT.resolve(module).resolve("pom.xml")).getElementsByTagName(element);
        for (int i = 0; i < list.getLength(); i++) {
            out.add(list.item(i).getTextContent().trim());
        }
        return out;
    }

    /** The version of an npm package as a module's package-lock.json pins it. */
    static String npmLockedVersion(String module, String pkg) {
        try {
            JsonNode lock = new ObjectMapper().readTree(ROOT.resolve(module).resolve("package-lock.json").toFile());
            JsonNode v = lock.path("packages").path("node_modules/" + pkg).path("version");
            if (!v.isTextual()) {
                throw new IllegalStateException(pkg + " not in " + module + "/package-lock.json");
            }
            return v.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code .dockerignore} (simple patterns: {@code *}, {@code **}, trailing {@code /}) excludes a path. */
    static boolean dockerIgnored(String relativePath) {
        List<String> patterns;
        try {
            patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String path = relativePath.replaceAll("^\\./", "").replaceAll("/$", "");
        boolean ignored = false;
        for (String raw : patterns) {
            boolean negate = raw.startsWith("!");
            String p = (negate ? raw.substring(1) : raw).replaceAll("^/", "").replaceAll("/$", "");
            Pattern regex = Pattern.compile(p.replace(".", "\\.").replace("**/", "\u0000").replace("*", "[^/]*")
                    .replace("\u0000", "(.*/)?"));
            // a pattern matches the path or one of its parent directories
            String prefix = path;
            while (true) {
                if (regex.matcher(prefix).matches()) {
                    ignored = !negate;
                    break;
                }
                int slash = prefix.lastIndexOf('/');
                if (slash < 0) {
                    break;
                }
                prefix = prefix.substring(0, slash);
            }
        }
        return ignored;
    }

    private static Document pom(Path pom) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
