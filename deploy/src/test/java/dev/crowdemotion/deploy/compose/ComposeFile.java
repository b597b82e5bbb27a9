package dev.crowdemotion.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code docker-compose.yml} read with Jackson YAML, with the Compose file format's short and long
 * syntaxes folded into one shape (lists of strings, maps of strings). Only what the tests check.
 */
final class ComposeFile {
    /** A volume: a host path (bind mount, resolved against the compose file's directory) or a named volume. */
    record Mount(String source, String target, boolean bind, Path hostPath, boolean readOnly) {}

    /** A published port: host address (null: all interfaces), host port, container port. */
    record Port(String hostIp, String hostPort, int containerPort) {}

    private final Path file;
    private final JsonNode root;

    private ComposeFile(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ComposeFile read(Path file) {
        try {
            return new ComposeFile(file, new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return file.toAbsolutePath().getParent();
    }

    JsonNode root() {
        return root;
    }

    Set<String> services() {
        Set<String> names = new TreeSet<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        JsonNode s = root.path("services").path(name);
        if (s.isMissingNode()) {
            throw new IllegalArgumentException("no service " + name + " in " + file);
        }
        return s;
    }

    Optional<String> image(String service) {
        JsonNode i = service(service).path("image");
        return i.isTextual() ? Optional.of(i.asText()) : Optional.empty();
    }

    /** {@code command} as a list (a string is split on whitespace, as the tests' services never quote). */
    List<String> command(String service) {
        return stringList(service(service).path("command"));
    }

    List<String> entrypoint(String service) {
        return stringList(service(service).path("entrypoint"));
    }

    /** {@code environment}, map or {@code KEY=VALUE} list. */
    Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service(service).path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String s = item.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    /** {@code depends_on}: service name to condition ({@code service_started} for the list form). */
    Map<String, String> dependsOn(String service) {
        Map<String, String> deps = new LinkedHashMap<>();
        JsonNode d = service(service).path("depends_on");
        if (d.isArray()) {
            d.forEach(n -> deps.put(n.asText(), "service_started"));
        } else if (d.isObject()) {
            d.fields().forEachRemaining(f -> deps.put(f.getKey(),
                    f.getValue().path("condition").asText("service_started")));
        }
        return deps;
    }

    List<Mount> volumes(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode v : service(service).path("volumes")) {
            String source;
            String target;
            boolean readOnly;
            if (v.isTextual()) {
                String[] parts = v.asText().split(":");
                source = parts[0];
                target = parts.length > 1 ? parts[1] : parts[0];
                readOnly = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
            } else {
                source = v.path("source").asText(null);
                target = v.path("target").asText();
                readOnly = v.path("read_only").asBoolean(false);
            }
            boolean bind = source != null && (source.startsWith(".") || source.startsWith("/") || source.startsWith("~"));
            mounts.add(new Mount(source, target, bind, bind ? dir().resolve(source).normalize() : null, readOnly));
        }
        return mounts;
    }

    /**
     * The host path behind a path inside the service's container, through its bind mounts.
     */
    Optional<Path> hostPath(String service, String containerPath) {
        for (Mount m : volumes(service)) {
            if (!m.bind()) {
                continue;
            }
            if (containerPath.equals(m.target())) {
                return Optional.of(m.hostPath());
            }
            if (containerPath.startsWith(m.target() + "/")) {
                return Optional.of(m.hostPath().resolve(containerPath.substring(m.target().length() + 1)).normalize());
            }
        }
        return Optional.empty();
    }

    List<Port> ports(String service) {
        List<Port> ports = new ArrayList<>();
        for (JsonNode p : service(service).path("ports")) {
            if (p.isTextual() || p.isNumber()) {
                String spec = p.asText();
                String noProto = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
                int last = noProto.lastIndexOf(':');
                String container = noProto.substring(last + 1);
                String rest = last < 0 ? "" : noProto.substring(0, last);
                int hostColon = rest.lastIndexOf(':');
                String hostIp = hostColon < 0 ? null : rest.substring(0, hostColon);
                String hostPort = hostColon < 0 ? rest : rest.substring(hostColon + 1);
                ports.add(new Port(hostIp, hostPort, Integer.parseInt(container)));
            } else {
                ports.add(new Port(p.path("host_ip").asText(null), p.path("published").asText(null),
                        p.path("target").asInt()));
            }
        }
        return ports;
    }

    /** The {@code test} of the service's healthcheck, without its leading {@code CMD}/{@code CMD-SHELL}; empty if none. */
    List<String> healthcheck(String service) {
        JsonNode test = service(service).path("healthcheck").path("test");
        List<String> cmd = stringList(test);
        if (!cmd.isEmpty() && (cmd.get(0).equals("CMD") || cmd.get(0).equals("CMD-SHELL"))) {
            cmd = cmd.subList(1, cmd.size());
        }
        return cmd;
    }

    /** Number of containers of the service ({@code deploy.replicas}, else {@code scale}, else 1). */
    int replicas(String service) {
        JsonNode s = service(service);
        return s.path("deploy").path("replicas").asInt(s.path("scale").asInt(1));
    }

    private static List<String> stringList(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(item -> out.add(item.asText()));
        } else if (n.isTextual()) {
            out.addAll(List.of(n.asText().trim().split("\\s+")));
        }
        return out;
    }
}
