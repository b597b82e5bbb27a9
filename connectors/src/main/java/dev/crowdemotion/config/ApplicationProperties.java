package dev.crowdemotion.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Loads the job's property groups, the same groups and keys everywhere:
 * <ul>
 *   <li>on Amazon Managed Service for Apache Flink, from the application's runtime properties
 *       ({@link KinesisAnalyticsRuntime#getApplicationProperties()});</li>
 *   <li>elsewhere, from a JSON file in MSF's property-group format
 *       ({@code [{"PropertyGroupId": "...", "PropertyMap": {"key": "value"}}]}), named by the
 *       {@code --config <path>} program argument.</li>
 * </ul>
 */
public final class ApplicationProperties {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApplicationProperties() {}

    /**
     * Loads the property groups for a job started with {@code args}.
     *
     * @throws UncheckedIOException if the file named by {@code --config} cannot be read or parsed
     * @throws IllegalArgumentException if {@code --config} is given without a path, or the file is missing
     */
    public static Map<String, Properties> load(String[] args) {
        String path = null;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i])) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a path");
                }
                path = args[i + 1];
            }
        }
        try {
            if (path == null) {
                return KinesisAnalyticsRuntime.getApplicationProperties();
            }
            if (!Files.isRegularFile(Path.of(path))) {
                throw new IllegalArgumentException("config file not found: " + path);
            }
            return fromFile(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application properties", e);
        }
    }

    /**
     * Reads a property-group JSON file (plain Jackson, so tools without Flink can read it too).
     *
     * @throws IOException if it cannot be read or is not in the property-group format
     */
    public static Map<String, Properties> fromFile(String path) throws IOException {
        JsonNode root = JSON.readTree(Path.of(path).toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(path + ": expected a JSON array of property groups");
        }
        Map<String, Properties> groups = new LinkedHashMap<>();
        for (JsonNode group : root) {
            JsonNode id = group.get("PropertyGroupId");
            JsonNode map = group.get("PropertyMap");
            if (id == null || !id.isTextual() || map == null || !map.isObject()) {
                throw new IOException(path + ": each group needs PropertyGroupId and PropertyMap");
            }
            Properties props = new Properties();
            map.fields().forEachRemaining(e -> props.setProperty(e.getKey(), e.getValue().asText()));
            groups.put(id.asText(), props);
        }
        return groups;
    }
}
