package dev.crowdemotion.deploy.compose;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The instructions of a Dockerfile, grouped by build stage: enough to check what docker-compose
 * builds ({@code FROM}, {@code COPY}, {@code RUN}, {@code ENTRYPOINT}). Full-line comments are
 * dropped and continuation lines joined, as Docker does.
 */
final class Dockerfile {
    /** One instruction: keyword (upper case) and its arguments as written. */
    record Instruction(String keyword, String args) {}

    /** A stage: its base image (or earlier stage), its name (null if unnamed) and its instructions. */
    record Stage(String from, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    /** A COPY: {@code --from} (null: the build context), sources and destination. */
    record Copy(String from, List<String> sources, String destination) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Stage> stages;

    private Dockerfile(List<Stage> stages) {
        this.stages = stages;
    }

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            String stripped = line.stripTrailing();
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            if (!current.toString().isBlank()) {
                logical.add(current.toString().strip());
            }
            current.setLength(0);
        }
        List<Stage> stages = new ArrayList<>();
        for (String l : logical) {
            String[] kv = l.split("\\s+", 2);
            Instruction i = new Instruction(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
            if (i.keyword().equals("FROM")) {
                List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
                words.removeIf(w -> w.startsWith("--"));
                String name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
                stages.add(new Stage(words.get(0), name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!i.keyword().equals("ARG")) {
                    throw new IllegalStateException(file + ": " + i.keyword() + " before FROM");
                }
            } else {
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return new Dockerfile(stages);
    }

    List<Stage> stages() {
        return stages;
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst();
    }

    /** The stage names declared before {@code stage} (what {@code FROM} and {@code COPY --from} may refer to). */
    List<String> namesBefore(Stage stage) {
        List<String> names = new ArrayList<>();
        for (Stage s : stages) {
            if (s == stage) {
                break;
            }
            if (s.name() != null) {
                names.add(s.name());
            }
        }
        return names;
    }

    static Copy copy(Instruction i) {
        String rest = i.args().strip();
        Map<String, String> flags = new LinkedHashMap<>();
        while (rest.startsWith("--")) {
            String[] kv = rest.split("\\s+", 2);
            String flag = kv[0];
            int eq = flag.indexOf('=');
            flags.put(eq < 0 ? flag : flag.substring(0, eq), eq < 0 ? "" : flag.substring(eq + 1));
            rest = kv.length > 1 ? kv[1].strip() : "";
        }
        String args = rest;
        List<String> words = execForm(args).orElseGet(() -> List.of(args.split("\\s+")));
        return new Copy(flags.get("--from"), words.subList(0, words.size() - 1), words.get(words.size() - 1));
    }

    /** The JSON-array (exec) form of an instruction's arguments, if it is one. */
    static Optional<List<String>> execForm(String args) {
        String a = args.strip();
        if (!a.startsWith("[")) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(a, new TypeReference<List<String>>() {}));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON array: " + a, e);
        }
    }
}
