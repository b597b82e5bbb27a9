package dev.crowdemotion.deploy.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.crowdemotion.deploy.cloudformation.CloudFormationTemplateTest.REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every resource's properties, with the intrinsic functions resolved for several parameter sets
 * ({@link CfnTemplate.Stack}), are valid against AWS's CloudFormation resource provider schemas as
 * cfn-lint ships them (vendored in {@code src/test/resources/cfn-schemas}, see PROVENANCE.md there).
 *
 * <p>Validated with JSON Schema 2020-12 semantics (cfn-lint's copies use {@code prefixItems});
 * keywords of the provider schema language that are not JSON Schema ({@link #PROVIDER_KEYWORDS})
 * are ignored. Types are loose, as CloudFormation's
 * are: {@code Ref} of a Number parameter is the string {@code "2"} where an integer is expected.
 */
class CloudFormationSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Keywords of the resource provider schema language (and cfn-lint's additions) that describe a
     * resource type, not what a valid property value is.
     */
    static final List<String> PROVIDER_KEYWORDS = List.of("typeName", "sourceUrl", "documentationUrl", "tagging", "handlers",
            "primaryIdentifier", "additionalIdentifiers", "createOnlyProperties", "conditionalCreateOnlyProperties",
            "readOnlyProperties", "writeOnlyProperties", "deprecatedProperties", "propertyTransform", "replacementStrategy",
            "insertionOrder", "arrayType", "relationshipRef", "uniqueKeys");
    private static final JsonMetaSchema DIALECT = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
            .keywords(PROVIDER_KEYWORDS.stream().map(NonValidationKeyword::new).collect(Collectors.toList())).build();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.metaSchema(DIALECT));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().typeLoose(true).build();
    private static final Map<String, JsonSchema> SCHEMAS = new HashMap<>();

    private final CfnTemplate template = CfnTemplate.load();

    /** {@code AWS::Kinesis::Stream} -> {@code aws-kinesis-stream.json}, cfn-lint's file name. */
    static String schemaFile(String type) {
        return type.toLowerCase(Locale.ROOT).replace("::", "-") + ".json";
    }

    static synchronized JsonSchema schema(String type) {
        return SCHEMAS.computeIfAbsent(type, t -> {
            try (InputStream in = CloudFormationSchemaTest.class.getResourceAsStream("/cfn-schemas/" + schemaFile(t))) {
                if (in == null) {
                    throw new IllegalStateException("no vendored schema for " + t + " (cfn-schemas/" + schemaFile(t) + ")");
                }
                ObjectNode node = (ObjectNode) JSON.readTree(in);
                // Points at the provider meta-schema on the web; validation uses the factory's dialect instead.
                node.remove("$schema");
                return FACTORY.getSchema(node, CONFIG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Schema violations of every resource of the template, for one set of parameter values. */
    static List<String> violations(CfnTemplate t, Map<String, String> values) {
        CfnTemplate.Stack stack = t.stack(values);
        List<String> out = new ArrayList<>();
        t.resources().fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            JsonNode properties = stack.properties(e.getKey());
            for (ValidationMessage m : schema(type).validate(properties)) {
                out.add(e.getKey() + " (" + type + "): " + m.getMessage());
            }
        });
        return out;
    }

    @Test
    void everyResourceTypeHasAVendoredSchema() {
        template.resources().forEach(r -> assertThat(schema(r.path("Type").asText())).isNotNull());
    }

    @Test
    void resourcesAreValidForEveryDetectorStreamModeAndTtl() {
        for (String detector : List.of("embedded", "sagemaker", "edge")) {
            for (String mode : List.of("PROVISIONED", "ON_DEMAND")) {
                for (String ttl : List.of("0", "30")) {
                    Map<String, String> values = new HashMap<>(REQUIRED);
                    values.put("DetectorMode", detector);
                    values.put("SageMakerEndpointName", detector.equals("sagemaker") ? "crowd-emotion-blazeface" : "");
                    values.put("FrameStreamMode", mode);
                    values.put("TtlDays", ttl);
                    assertThat(violations(template, values)).as("%s", values).isEmpty();
                }
            }
        }
    }

    @Test
    void invalidPropertiesAreCaught() {
        CfnTemplate broken = template.copy();
        ((ObjectNode) broken.properties("Application")).put("RuntimeEnvironment", "FLINK-9_9");
        ((ObjectNode) broken.properties("FrameStream")).put("ShardCnt", 1);
        ((ObjectNode) broken.properties("LogGroup")).put("RetentionInDays", 13);
        ((ObjectNode) broken.properties("StageScoresTable").path("SSESpecification")).remove("SSEEnabled");
        ((ObjectNode) broken.properties("Application").path("ApplicationConfiguration").path("EnvironmentProperties")
                .path("PropertyGroups").get(0).path("PropertyMap")).put("initial.position", 1);
        assertThat(violations(broken, REQUIRED)).hasSize(5)
                .anyMatch(v -> v.startsWith("Application") && v.contains("RuntimeEnvironment"))
                .anyMatch(v -> v.startsWith("FrameStream") && v.contains("ShardCnt"))
                .anyMatch(v -> v.startsWith("LogGroup") && v.contains("RetentionInDays"))
                .anyMatch(v -> v.startsWith("StageScoresTable") && v.contains("SSEEnabled"))
                .anyMatch(v -> v.startsWith("Application") && v.contains("initial.position"));
    }
}
