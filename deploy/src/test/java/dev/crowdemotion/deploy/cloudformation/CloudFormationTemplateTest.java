package dev.crowdemotion.deploy.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crowdemotion.config.ConfigKeys;
import dev.crowdemotion.config.CrowdEmotionConfig;
import dev.crowdemotion.config.DetectorMode;
import dev.crowdemotion.scores.StageScoresTable;
import dev.crowdemotion.setup.CloudWatchDashboard;
import dev.crowdemotion.setup.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CloudFormation template for Managed Service for Apache Flink against the code: references,
 * tables ({@link TableSchema}), encryption, the application's property groups
 * ({@link CrowdEmotionConfig}) and the dashboard ({@link CloudWatchDashboard}).
 */
class CloudFormationTemplateTest {
    /** A value for the one parameter without a default. */
    static final Map<String, String> REQUIRED = Map.of("CodeBucket", "crowd-emotion-artifacts");

    private final CfnTemplate template = CfnTemplate.load();

    // ---------------------------------------------------------------- structure

    @Test
    void everyReferenceIsDefinedAndEveryParameterAndConditionIsUsed() {
        assertThat(danglingReferences(template)).isEmpty();
        Set<String> used = new HashSet<>();
        collectNames(template.root, used);
        assertThat(used).containsAll(fieldNames(template.parameters())).containsAll(fieldNames(template.conditions()));
    }

    @Test
    void aDanglingReferenceIsFound() {
        CfnTemplate broken = template.copy();
        ((ObjectNode) broken.properties("LogStream")).putObject("LogGroupName").put("Ref", "NoSuchLogGroup");
        ((ObjectNode) broken.properties("Dashboard")).putObject("DashboardName").put("Fn::Sub", "${Missing}-x");
        ((ObjectNode) broken.resources().get("FrameStream").get("Properties").get("ShardCount")).putArray("Fn::If")
                .add("NoSuchCondition").add(1).add(2);
        assertThat(danglingReferences(broken)).containsExactlyInAnyOrder("Ref NoSuchLogGroup", "Fn::Sub Missing",
                "Condition NoSuchCondition");
    }

    @Test
    void parameterDefaultsAndTheValuesTheTestsUseMeetTheParametersConstraints() {
        assertThat(parameterViolations(template, template.defaults())).containsExactly("CodeBucket: no value");
        assertThat(parameterViolations(template, template.stack(REQUIRED).parameters)).isEmpty();
        Map<String, String> sageMaker = with(with(REQUIRED, "DetectorMode", "sagemaker"), "SageMakerEndpointName", "crowd-emotion-blazeface");
        assertThat(parameterViolations(template, template.stack(sageMaker).parameters)).isEmpty();
        // What CloudFormation would refuse.
        Map<String, String> bad = new HashMap<>(template.stack(REQUIRED).parameters);
        bad.putAll(Map.of("SageMakerEndpointName", "Crowd-Emotion", "MetricsNamespace", "AWS/Kinesis", "LogRetentionDays", "13",
                "Parallelism", "0", "DetectorMode", "cloud", "CodeBucket", "My_Bucket"));
        assertThat(parameterViolations(template, bad)).containsExactlyInAnyOrder("SageMakerEndpointName: Crowd-Emotion",
                "MetricsNamespace: AWS/Kinesis", "LogRetentionDays: 13", "Parallelism: 0", "DetectorMode: cloud", "CodeBucket: My_Bucket");
        // Every parameter is constrained, with the constraints CloudFormation allows for its type.
        template.parameters().forEach(p -> {
            boolean number = p.path("Type").asText().equals("Number");
            assertThat(p.path("Type").asText()).isIn("String", "Number");
            boolean stringConstraints = p.has("AllowedPattern") || p.has("MinLength") || p.has("MaxLength");
            boolean numberConstraints = p.has("MinValue") || p.has("MaxValue");
            assertThat(number ? stringConstraints : numberConstraints).as("constraints of the other type on %s", p).isFalse();
            assertThat(p.has("AllowedValues") || stringConstraints || numberConstraints).as("unconstrained %s", p).isTrue();
        });
    }

    /** Parameter values that break their parameter's constraints, as CloudFormation checks them. */
    static List<String> parameterViolations(CfnTemplate t, Map<String, String> values) {
        List<String> out = new ArrayList<>();
        t.parameters().fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            String v = values.get(e.getKey());
            if (v == null) {
                out.add(e.getKey() + ": no value");
                return;
            }
            boolean ok = true;
            if (p.has("AllowedValues")) {
                Set<String> allowed = new HashSet<>();
                p.get("AllowedValues").forEach(a -> allowed.add(a.asText()));
                ok = allowed.contains(v);
            }
            if (p.has("AllowedPattern")) ok &= v.matches(p.get("AllowedPattern").asText());
            if (p.has("MinLength")) ok &= v.length() >= p.get("MinLength").asInt();
            if (p.has("MaxLength")) ok &= v.length() <= p.get("MaxLength").asInt();
            if (p.path("Type").asText().equals("Number")) {
                try {
                    double d = Double.parseDouble(v);
                    if (p.has("MinValue")) ok &= d >= p.get("MinValue").asDouble();
                    if (p.has("MaxValue")) ok &= d <= p.get("MaxValue").asDouble();
                } catch (NumberFormatException ex) {
                    ok = false;
                }
            }
            if (!ok) out.add(e.getKey() + ": " + v);
        });
        return out;
    }

    @Test
    void fitsCloudFormationsLimitForATemplateBodyPassedDirectly() throws Exception {
        // aws cloudformation deploy needs an S3 bucket for templates over 51,200 bytes.
        assertThat(Files.size(CfnTemplate.path())).isLessThan(51_200);
        assertThat(template.root.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    }

    // ---------------------------------------------------------------- tables and streams

    @Test
    void tablesAreTheOnesTheCodeCreates() {
        assertTable("StageScoresTable", TableSchema.STAGE_SCORES, ConfigKeys.DEFAULT_TABLE_NAME);
        assertTable("PerformanceScoresTable", TableSchema.PERFORMANCE_SCORES, ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME);
        assertThat(template.resourcesOfType("AWS::DynamoDB::Table")).hasSize(2);
    }

    private void assertTable(String logicalId, TableSchema schema, String defaultName) {
        JsonNode table = template.stack(REQUIRED).properties(logicalId);
        assertThat(table.path("TableName").asText()).as("default parameters give the job's default name").isEqualTo(defaultName);
        assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");

        Map<String, String> types = new LinkedHashMap<>();
        table.path("AttributeDefinitions").forEach(a -> types.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        Map<String, String> expectedTypes = new LinkedHashMap<>();
        for (AttributeDefinition a : schema.attributeDefinitions()) {
            expectedTypes.put(a.attributeName(), a.attributeTypeAsString());
        }
        assertThat(types).containsExactlyInAnyOrderEntriesOf(expectedTypes);
        assertThat(keys(table.path("KeySchema"))).isEqualTo(keys(schema.keySchema()));

        Map<String, List<String>> indexes = new LinkedHashMap<>();
        Map<String, String> projections = new HashMap<>();
        table.path("GlobalSecondaryIndexes").forEach(i -> {
            indexes.put(i.path("IndexName").asText(), keys(i.path("KeySchema")));
            projections.put(i.path("IndexName").asText(), i.path("Projection").path("ProjectionType").asText()
                    + i.path("Projection").path("NonKeyAttributes"));
        });
        Map<String, List<String>> expectedIndexes = new LinkedHashMap<>();
        Map<String, String> expectedProjections = new HashMap<>();
        for (GlobalSecondaryIndex i : schema.indexes()) {
            expectedIndexes.put(i.indexName(), keys(i.keySchema()));
            expectedProjections.put(i.indexName(), i.projection().projectionTypeAsString() + "");
        }
        assertThat(indexes).isEqualTo(expectedIndexes);
        assertThat(projections).isEqualTo(expectedProjections);
        assertThat(table.has("ProvisionedThroughput")).isFalse();

        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).as("encryption at rest, KMS").isTrue();
        assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();

        assertThat(table.has("TimeToLiveSpecification")).as("no TTL by default (ttl.days 0)").isFalse();
        JsonNode withTtl = template.stack(with(REQUIRED, "TtlDays", "30")).properties(logicalId);
        assertThat(withTtl.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(StageScoresTable.EXPIRES_AT);
        assertThat(withTtl.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    }

    private static List<String> keys(JsonNode keySchema) {
        List<String> out = new ArrayList<>();
        keySchema.forEach(k -> out.add(k.path("AttributeName").asText() + " " + k.path("KeyType").asText()));
        return out;
    }

    private static List<String> keys(List<KeySchemaElement> keySchema) {
        List<String> out = new ArrayList<>();
        keySchema.forEach(k -> out.add(k.attributeName() + " " + k.keyTypeAsString()));
        return out;
    }

    @Test
    void streamsAreEncryptedWithKinesissKey() {
        assertThat(template.resourcesOfType("AWS::Kinesis::Stream")).containsExactlyInAnyOrder("FrameStream", "SetlistStream", "DeadLetterStream");
        for (String id : template.resourcesOfType("AWS::Kinesis::Stream")) {
            JsonNode encryption = template.stack(REQUIRED).properties(id).path("StreamEncryption");
            assertThat(encryption.path("EncryptionType").asText()).as(id).isEqualTo("KMS");
            // The AWS managed key: readers need no kms permission (unlike a customer managed key).
            assertThat(encryption.path("KeyId").asText()).as(id).isEqualTo("alias/aws/kinesis");
        }
        // dead letters (which may carry frames with DeadLetters.include.payload) expire after 7 days
        assertThat(template.stack(REQUIRED).properties("DeadLetterStream").path("RetentionPeriodHours").asInt()).isEqualTo(168);
    }

    @Test
    void frameStreamIsProvisionedWithShardsOrOnDemand() {
        JsonNode provisioned = template.stack(with(REQUIRED, "FrameStreamShards", "4")).properties("FrameStream");
        assertThat(provisioned.path("StreamModeDetails").path("StreamMode").asText()).isEqualTo("PROVISIONED");
        assertThat(provisioned.path("ShardCount").asText()).isEqualTo("4");
        JsonNode onDemand = template.stack(with(REQUIRED, "FrameStreamMode", "ON_DEMAND")).properties("FrameStream");
        assertThat(onDemand.path("StreamModeDetails").path("StreamMode").asText()).isEqualTo("ON_DEMAND");
        assertThat(onDemand.has("ShardCount")).as("ON_DEMAND takes no shard count").isFalse();
    }

    // ---------------------------------------------------------------- application

    @Test
    void applicationRunsTheJarOnFlink120WithTheServicesCheckpointing() {
        CfnTemplate.Stack stack = template.stack(with(REQUIRED, "CodeKey", "builds/job-abc123-msf.jar"));
        String app = template.onlyResourceOfType("AWS::KinesisAnalyticsV2::Application");
        JsonNode p = stack.properties(app);
        assertThat(p.path("RuntimeEnvironment").asText()).isEqualTo("FLINK-1_20");
        assertThat(p.path("ServiceExecutionRole")).isEqualTo(stack.resolve(json("{\"Fn::GetAtt\": [\"ServiceExecutionRole\", \"Arn\"]}")));
        JsonNode config = p.path("ApplicationConfiguration");
        JsonNode code = config.path("ApplicationCodeConfiguration");
        assertThat(code.path("CodeContentType").asText()).isEqualTo("ZIPFILE");
        assertThat(code.path("CodeContent").path("S3ContentLocation").path("BucketARN").asText())
                .isEqualTo("arn:aws:s3:::crowd-emotion-artifacts");
        assertThat(code.path("CodeContent").path("S3ContentLocation").path("FileKey").asText()).isEqualTo("builds/job-abc123-msf.jar");
        assertThat(config.path("ApplicationSnapshotConfiguration").path("SnapshotsEnabled").asBoolean()).isTrue();
        JsonNode flink = config.path("FlinkApplicationConfiguration");
        assertThat(flink.path("CheckpointConfiguration").path("ConfigurationType").asText()).isEqualTo("DEFAULT");
        assertThat(flink.path("ParallelismConfiguration").path("Parallelism").asText()).isEqualTo("2");
        // The dashboard reads MSF's metrics by the Application dimension only.
        assertThat(flink.path("MonitoringConfiguration").path("MetricsLevel").asText()).isEqualTo("APPLICATION");

        JsonNode logging = stack.properties(template.onlyResourceOfType("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption"));
        assertThat(logging.path("ApplicationName").asText()).isEqualTo("crowd-emotion");
        assertThat(logging.path("CloudWatchLoggingOption").path("LogStreamARN").asText())
                .isEqualTo("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesis-analytics/crowd-emotion:log-stream:kinesis-analytics-log-stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "sagemaker", "edge"})
    void propertyGroupsAreAcceptedByTheJob(String detector) throws Exception {
        Map<String, String> values = with(with(REQUIRED, "DetectorMode", detector), "SageMakerEndpointName",
                detector.equals("sagemaker") ? "crowd-emotion-blazeface" : "");
        CfnTemplate.Stack stack = template.stack(values);
        Map<String, Properties> groups = propertyGroups(stack);

        Set<String> groupIds = constants(ConfigKeys.class, "GROUP_");
        Set<String> keys = new HashSet<>(constants(ConfigKeys.class, ""));
        keys.removeAll(groupIds);
        keys.removeAll(constants(ConfigKeys.class, "DEFAULT_"));
        assertThat(groupIds).containsAll(groups.keySet());
        groups.forEach((id, p) -> {
            assertThat(keys).as("keys of %s", id).containsAll(p.stringPropertyNames());
            assertThat(p.stringPropertyNames()).as("%s: on MSF the real endpoints are used", id).doesNotContain(ConfigKeys.AWS_ENDPOINT);
            if (p.containsKey(ConfigKeys.AWS_REGION)) {
                assertThat(p.getProperty(ConfigKeys.AWS_REGION)).isEqualTo(CfnTemplate.REGION);
            }
        });
        assertThat(groups).containsKeys(ConfigKeys.GROUP_FRAME_SOURCE, ConfigKeys.GROUP_DETECTION, ConfigKeys.GROUP_REKOGNITION,
                ConfigKeys.GROUP_AGGREGATION, ConfigKeys.GROUP_SCORES_SINK, ConfigKeys.GROUP_SETLIST, ConfigKeys.GROUP_CLOUDWATCH,
                ConfigKeys.GROUP_DEAD_LETTERS);
        assertThat(groups.containsKey(ConfigKeys.GROUP_SAGEMAKER)).isEqualTo(detector.equals("sagemaker"));

        CrowdEmotionConfig config = new CrowdEmotionConfig(groups);
        assertThat(config.detectorMode()).isEqualTo(DetectorMode.parse(detector));
        assertThat(config.streamArn()).isEqualTo(stack.getAtt("FrameStream", "Arn"))
                .isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/crowd-emotion-frames");
        assertThat(config.setlistStreamArn()).isEqualTo(stack.getAtt("SetlistStream", "Arn"));
        assertThat(config.initialPosition()).isEqualTo("LATEST");
        assertThat(config.deadLetterStreamArn()).isEqualTo(stack.getAtt("DeadLetterStream", "Arn"));
        assertThat(config.deadLetterIncludePayload()).as("no biometric payload by default").isFalse();
        assertThat(config.setlistInitialPosition()).isEqualTo("TRIM_HORIZON");
        assertThat(config.tableName()).isEqualTo(stack.ref("StageScoresTable")).isEqualTo(ConfigKeys.DEFAULT_TABLE_NAME);
        assertThat(config.performanceTableName()).isEqualTo(stack.ref("PerformanceScoresTable"))
                .isEqualTo(ConfigKeys.DEFAULT_PERFORMANCE_TABLE_NAME);
        assertThat(config.maxTps()).isEqualTo(5.0);
        assertThat(config.windowSizeMs()).isEqualTo(ConfigKeys.DEFAULT_WINDOW_SIZE_MS);
        assertThat(config.ttlDays()).isZero();
        assertThat(config.cloudWatchEnabled()).isTrue();
        assertThat(config.cloudWatchNamespace()).isEqualTo(ConfigKeys.DEFAULT_NAMESPACE);
        if (detector.equals("sagemaker")) {
            assertThat(config.sageMakerEndpointName()).isEqualTo("crowd-emotion-blazeface");
        }
    }

    @Test
    void parametersReachTheJobsConfiguration() throws Exception {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.putAll(Map.of("ApplicationName", "festival", "RekognitionMaxTps", "50", "WindowSizeMs", "30000",
                "TtlDays", "90", "MetricsNamespace", "Festival.Crowd"));
        CrowdEmotionConfig config = new CrowdEmotionConfig(propertyGroups(template.stack(values)));
        assertThat(config.maxTps()).isEqualTo(50.0);
        assertThat(config.windowSizeMs()).isEqualTo(30_000);
        assertThat(config.ttlDays()).isEqualTo(90);
        assertThat(config.cloudWatchNamespace()).isEqualTo("Festival.Crowd");
        assertThat(config.tableName()).isEqualTo("festival-stage-scores");
        assertThat(config.streamArn()).endsWith(":stream/festival-frames");
    }

    @Test
    void sageMakerModeWithoutAnEndpointIsRefusedByTheTemplatesRuleAndByTheJob() {
        JsonNode rule = template.root.path("Rules").path("SageMakerNeedsAnEndpoint");
        assertThat(rule.path("RuleCondition")).isEqualTo(json("{\"Fn::Equals\": [{\"Ref\": \"DetectorMode\"}, \"sagemaker\"]}"));
        assertThat(rule.path("Assertions").get(0).path("Assert"))
                .isEqualTo(json("{\"Fn::Not\": [{\"Fn::Equals\": [{\"Ref\": \"SageMakerEndpointName\"}, \"\"]}]}"));
        Map<String, String> values = with(REQUIRED, "DetectorMode", "sagemaker");
        assertThatThrownBy(() -> new CrowdEmotionConfig(propertyGroups(template.stack(values))))
                .hasMessageContaining("SageMaker.endpoint.name");
    }

    /** The application's property groups, as the job gets them from KinesisAnalyticsRuntime. */
    static Map<String, Properties> propertyGroups(CfnTemplate.Stack stack) {
        CfnTemplate t = stack.template();
        JsonNode app = stack.properties(t.onlyResourceOfType("AWS::KinesisAnalyticsV2::Application"));
        Map<String, Properties> groups = new LinkedHashMap<>();
        for (JsonNode g : app.path("ApplicationConfiguration").path("EnvironmentProperties").path("PropertyGroups")) {
            Properties p = new Properties();
            g.path("PropertyMap").fields().forEachRemaining(e -> {
                assertThat(e.getValue().isTextual()).as("%s is a string", e.getKey()).isTrue();
                p.setProperty(e.getKey(), e.getValue().asText());
            });
            assertThat(groups.put(g.path("PropertyGroupId").asText(), p)).as("group ids are unique").isNull();
        }
        return groups;
    }

    // ---------------------------------------------------------------- dashboard

    @Test
    void dashboardBodyIsCloudWatchDashboardsWithTheStacksValues() {
        String id = template.onlyResourceOfType("AWS::CloudWatch::Dashboard");
        JsonNode props = template.properties(id);
        assertThat(props.path("DashboardName")).isEqualTo(json("{\"Ref\": \"ApplicationName\"}"));
        String body = props.path("DashboardBody").path("Fn::Sub").asText();

        // Rendered with placeholders that are plain tokens (so namespace quoting is the same as for
        // any namespace the parameter allows), then turned into Fn::Sub variables.
        String rendered = CloudWatchDashboard.body("NAMESPACE_PLACEHOLDER", "APPLICATION_PLACEHOLDER", "REGION_PLACEHOLDER");
        assertThat(rendered).doesNotContain("${");
        assertThat(body).isEqualTo(rendered.replace("NAMESPACE_PLACEHOLDER", "${MetricsNamespace}")
                .replace("APPLICATION_PLACEHOLDER", "${ApplicationName}").replace("REGION_PLACEHOLDER", "${AWS::Region}"));
        assertThat(template.parameters().path("MetricsNamespace").path("AllowedPattern").asText())
                .as("namespaces the template takes are written unquoted, as in the rendering above")
                .isEqualTo(CloudWatchDashboard.UNQUOTED_TOKEN);

        // What CloudFormation puts is exactly what kinesis-setup would put for the same values.
        CfnTemplate.Stack stack = template.stack(with(with(REQUIRED, "MetricsNamespace", "Festival_2026.Crowd"), "ApplicationName", "festival-app"));
        assertThat(stack.properties(id).path("DashboardBody").asText())
                .isEqualTo(CloudWatchDashboard.body("Festival_2026.Crowd", "festival-app", CfnTemplate.REGION));
    }

    // ---------------------------------------------------------------- helpers

    static Map<String, String> with(Map<String, String> values, String key, String value) {
        Map<String, String> out = new HashMap<>(values);
        out.put(key, value);
        return out;
    }

    static JsonNode json(String s) {
        return CfnTemplate.parse(s).root;
    }

    /** The values of a class's public static String constants whose names start with {@code prefix}. */
    static Set<String> constants(Class<?> type, String prefix) throws IllegalAccessException {
        Set<String> out = new TreeSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().startsWith(prefix)) {
                out.add((String) f.get(null));
            }
        }
        return out;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** References to parameters, resources and conditions that the template does not define. */
    static List<String> danglingReferences(CfnTemplate t) {
        Set<String> refable = new HashSet<>(CfnTemplate.PSEUDO);
        refable.addAll(fieldNames(t.parameters()));
        refable.addAll(fieldNames(t.resources()));
        Set<String> conditions = fieldNames(t.conditions());
        List<String> dangling = new ArrayList<>();
        walk(t.root, (key, value) -> {
            switch (key) {
                case "Ref":
                    if (!refable.contains(value.asText())) dangling.add("Ref " + value.asText());
                    break;
                case "Fn::GetAtt": {
                    JsonNode r = t.resources().get(value.path(0).asText());
                    String type = r == null ? "" : r.path("Type").asText();
                    if (!CfnTemplate.ATTRIBUTES.getOrDefault(type, Set.of()).contains(value.path(1).asText())) {
                        dangling.add("Fn::GetAtt " + value.path(0).asText() + "." + value.path(1).asText());
                    }
                    break;
                }
                case "Fn::Sub": {
                    Set<String> local = new HashSet<>();
                    if (value.isArray()) {
                        value.get(1).fieldNames().forEachRemaining(local::add);
                    }
                    Matcher m = CfnTemplate.SUB_VARIABLE.matcher(value.isArray() ? value.get(0).asText() : value.asText());
                    while (m.find()) {
                        String v = m.group(1);
                        String name = v.contains(".") && !v.startsWith("AWS::") ? v.substring(0, v.indexOf('.')) : v;
                        boolean ok = local.contains(v) || (v.equals(name) ? refable.contains(v) : t.resources().has(name));
                        if (!ok) dangling.add("Fn::Sub " + v);
                    }
                    break;
                }
                case "Fn::If":
                    if (!conditions.contains(value.path(0).asText())) dangling.add("Condition " + value.path(0).asText());
                    break;
                case "Condition":
                    // A condition's name (resource attribute, or the Condition function); IAM's Condition is an object.
                    if (value.isTextual() && !conditions.contains(value.asText())) dangling.add("Condition " + value.asText());
                    break;
                default:
                    break;
            }
        });
        return dangling;
    }

    /** Names of parameters, resources and conditions the template refers to anywhere. */
    private static void collectNames(JsonNode root, Set<String> names) {
        walk(root, (key, value) -> {
            switch (key) {
                case "Ref": names.add(value.asText()); break;
                case "Fn::GetAtt": names.add(value.path(0).asText()); break;
                case "Fn::If": names.add(value.path(0).asText()); break;
                case "Condition": if (value.isTextual()) names.add(value.asText()); break;
                case "Fn::Sub": {
                    Matcher m = CfnTemplate.SUB_VARIABLE.matcher(value.isArray() ? value.get(0).asText() : value.asText());
                    while (m.find()) {
                        String v = m.group(1);
                        names.add(v.contains(".") && !v.startsWith("AWS::") ? v.substring(0, v.indexOf('.')) : v);
                    }
                    break;
                }
                default: break;
            }
        });
    }

    interface Visitor {
        void field(String key, JsonNode value);
    }

    static void walk(JsonNode node, Visitor visitor) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                visitor.field(e.getKey(), e.getValue());
                walk(e.getValue(), visitor);
            });
        } else if (node.isArray()) {
            node.forEach(n -> walk(n, visitor));
        }
    }
}
