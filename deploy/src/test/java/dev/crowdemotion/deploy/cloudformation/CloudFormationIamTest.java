package dev.crowdemotion.deploy.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.crowdemotion.deploy.cloudformation.CloudFormationTemplateTest.REQUIRED;
import static dev.crowdemotion.deploy.cloudformation.CloudFormationTemplateTest.json;
import static dev.crowdemotion.deploy.cloudformation.CloudFormationTemplateTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MSF application's service execution role is least privilege: exactly the actions the job's
 * connectors and clients call, on the template's own resources only.
 */
class CloudFormationIamTest {
    /**
     * Exactly what the job needs, by service:
     * <ul>
     *   <li>kinesis: what the FLIP-27 polling {@code KinesisStreamsSource} of flink-connector-kinesis
     *       4.3.0 calls ({@code KinesisStreamProxy}: ListShards, GetShardIterator, GetRecords), and
     *       what its {@code KinesisStreamsSink} calls for the dead letters (PutRecords only: the
     *       sink writer's bytecode calls no other KinesisAsyncClient method);
     *       streams encrypted with the AWS managed key need no kms permission;</li>
     *   <li>dynamodb: {@code DynamoDbSink} writes with BatchWriteItem only;</li>
     *   <li>rekognition, sagemaker, cloudwatch: the job's DetectFaces, InvokeEndpoint and the
     *       business-metrics sink's PutMetricData;</li>
     *   <li>s3, logs: what MSF needs to read the code and to write the application's log
     *       (Managed Service for Apache Flink developer guide, logging permissions).</li>
     * </ul>
     */
    static final Map<String, Set<String>> EXPECTED_ACTIONS = Map.of(
            "kinesis", Set.of("kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:PutRecords"),
            "dynamodb", Set.of("dynamodb:BatchWriteItem"),
            "rekognition", Set.of("rekognition:DetectFaces"),
            "sagemaker", Set.of("sagemaker:InvokeEndpoint"),
            "cloudwatch", Set.of("cloudwatch:PutMetricData"),
            "s3", Set.of("s3:GetObject", "s3:GetObjectVersion"),
            "logs", Set.of("logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"));

    /**
     * The only actions allowed on Resource "*": they support no resource-level permission
     * (Service Authorization Reference). PutMetricData must then carry the cloudwatch:namespace condition.
     */
    static final Set<String> NO_RESOURCE_LEVEL_PERMISSION = Set.of("rekognition:DetectFaces", "cloudwatch:PutMetricData");

    private final CfnTemplate template = CfnTemplate.load();

    @Test
    void onlyManagedServiceForApacheFlinkCanAssumeTheRoleAndOnlyForThisApplication() {
        JsonNode trust = template.properties("ServiceExecutionRole").path("AssumeRolePolicyDocument").path("Statement");
        assertThat(trust).hasSize(1);
        JsonNode s = trust.get(0);
        assertThat(s.path("Effect").asText()).isEqualTo("Allow");
        assertThat(s.path("Principal")).isEqualTo(json("{\"Service\": \"kinesisanalytics.amazonaws.com\"}"));
        assertThat(s.path("Action").asText()).isEqualTo("sts:AssumeRole");
        // Confused-deputy protection (MSF developer guide, cross-service confused deputy prevention).
        CfnTemplate.Stack stack = template.stack(REQUIRED);
        JsonNode condition = stack.resolve(s.path("Condition"));
        assertThat(condition.path("StringEquals").path("aws:SourceAccount").asText()).isEqualTo(CfnTemplate.ACCOUNT);
        assertThat(condition.path("ArnEquals").path("aws:SourceArn").asText())
                .isEqualTo("arn:aws:kinesisanalytics:eu-west-1:123456789012:application/" + stack.ref("Application"));
    }

    @Test
    void theRoleIsTheApplicationsAndHasNoOtherPolicies() {
        assertThat(template.resourcesOfType("AWS::IAM::Role")).containsExactly("ServiceExecutionRole");
        assertThat(template.resourcesOfType("AWS::IAM::Policy")).isEmpty();
        assertThat(template.resourcesOfType("AWS::IAM::ManagedPolicy")).isEmpty();
        JsonNode role = template.properties("ServiceExecutionRole");
        assertThat(role.has("ManagedPolicyArns")).isFalse();
        assertThat(role.has("PermissionsBoundary")).isFalse();
        assertThat(role.path("Policies")).hasSize(1);
        assertThat(template.properties("Application").path("ServiceExecutionRole"))
                .isEqualTo(json("{\"Fn::GetAtt\": [\"ServiceExecutionRole\", \"Arn\"]}"));
    }

    @Test
    void actionsAreExactlyWhatTheJobCallsWithoutWildcards() {
        assertThat(leastPrivilegeViolations(template, "sagemaker")).isEmpty();
        assertThat(actionsByService(statements(template.stack(with(REQUIRED, "DetectorMode", "sagemaker")))))
                .isEqualTo(new TreeMap<>(EXPECTED_ACTIONS));
        Map<String, Set<String>> embedded = new TreeMap<>(EXPECTED_ACTIONS);
        embedded.remove("sagemaker");
        for (String mode : List.of("embedded", "edge")) {
            assertThat(leastPrivilegeViolations(template, mode)).isEmpty();
            assertThat(actionsByService(statements(template.stack(with(REQUIRED, "DetectorMode", mode)))))
                    .as("no SageMaker permission with detector %s", mode).isEqualTo(embedded);
        }
    }

    @Test
    void wildcardsAndExtraActionsAreCaught() {
        CfnTemplate broken = template.copy();
        statement(broken, "WriteScores").put("Action", "dynamodb:*");
        assertThat(leastPrivilegeViolations(broken, "embedded")).anyMatch(v -> v.contains("wildcard action dynamodb:*"));

        broken = template.copy();
        statement(broken, "ReadFrameAndSetlistStreams").putArray("Action").add("kinesis:GetRecords").add("kinesis:PutRecord");
        assertThat(leastPrivilegeViolations(broken, "embedded")).anyMatch(v -> v.contains("unexpected action kinesis:PutRecord"));

        broken = template.copy();
        statement(broken, "WriteScores").put("Resource", "*");
        assertThat(leastPrivilegeViolations(broken, "embedded")).anyMatch(v -> v.contains("Resource * for dynamodb:BatchWriteItem"));

        broken = template.copy();
        statement(broken, "PublishBusinessMetrics").remove("Condition");
        assertThat(leastPrivilegeViolations(broken, "embedded")).anyMatch(v -> v.contains("without a cloudwatch:namespace condition"));
    }

    /** A statement of the role's policy, by Sid, unresolved, to break in a copy of the template. */
    private static ObjectNode statement(CfnTemplate t, String sid) {
        for (JsonNode s : t.properties("ServiceExecutionRole").path("Policies").get(0).path("PolicyDocument").path("Statement")) {
            if (sid.equals(s.path("Sid").asText())) {
                return (ObjectNode) s;
            }
        }
        throw new AssertionError("no statement " + sid);
    }

    @Test
    void everyStatementPointsAtTheStacksOwnResources() {
        CfnTemplate.Stack stack = template.stack(with(with(with(REQUIRED, "DetectorMode", "sagemaker"),
                "SageMakerEndpointName", "crowd-emotion-blazeface"), "CodeKey", "builds/job-1-msf.jar"));
        Map<String, Set<String>> resources = resourcesByAction(statements(stack));
        String logGroup = "arn:aws:logs:eu-west-1:123456789012:log-group:" + stack.ref("LogGroup");
        assertThat(resources.get("kinesis:GetRecords")).containsExactlyInAnyOrder(
                stack.getAtt("FrameStream", "Arn"), stack.getAtt("SetlistStream", "Arn"));
        assertThat(resources.get("kinesis:ListShards")).isEqualTo(resources.get("kinesis:GetRecords"));
        assertThat(resources.get("kinesis:GetShardIterator")).isEqualTo(resources.get("kinesis:GetRecords"));
        // the job writes to the dead-letter stream only, and never reads it
        assertThat(resources.get("kinesis:PutRecords")).containsExactly(stack.getAtt("DeadLetterStream", "Arn"));
        // Writes only: no index ARN (the job never queries).
        assertThat(resources.get("dynamodb:BatchWriteItem")).containsExactlyInAnyOrder(
                stack.getAtt("StageScoresTable", "Arn"), stack.getAtt("PerformanceScoresTable", "Arn"));
        assertThat(resources.get("sagemaker:InvokeEndpoint"))
                .containsExactly("arn:aws:sagemaker:eu-west-1:123456789012:endpoint/crowd-emotion-blazeface");
        assertThat(resources.get("s3:GetObject")).containsExactly("arn:aws:s3:::crowd-emotion-artifacts/builds/job-1-msf.jar");
        assertThat(resources.get("s3:GetObjectVersion")).isEqualTo(resources.get("s3:GetObject"));
        // MSF's logging needs to list the account's log groups in the region, then one group's streams, then one stream.
        assertThat(resources.get("logs:DescribeLogGroups")).containsExactly("arn:aws:logs:eu-west-1:123456789012:log-group:*");
        assertThat(resources.get("logs:DescribeLogStreams")).containsExactly(logGroup + ":log-stream:*");
        assertThat(resources.get("logs:PutLogEvents")).containsExactly(logGroup + ":log-stream:" + stack.ref("LogStream"));
        assertThat(resources.get("rekognition:DetectFaces")).containsExactly("*");
        assertThat(resources.get("cloudwatch:PutMetricData")).containsExactly("*");

        // The code the role may read is the code the application runs.
        JsonNode code = stack.properties("Application").path("ApplicationConfiguration").path("ApplicationCodeConfiguration")
                .path("CodeContent").path("S3ContentLocation");
        assertThat(resources.get("s3:GetObject")).containsExactly(code.path("BucketARN").asText() + "/" + code.path("FileKey").asText());
    }

    @Test
    void metricsMayOnlyGoToTheConfiguredNamespace() {
        CfnTemplate.Stack stack = template.stack(with(REQUIRED, "MetricsNamespace", "Festival"));
        JsonNode statement = statements(stack).stream()
                .filter(s -> actions(s).contains("cloudwatch:PutMetricData")).findFirst().orElseThrow();
        assertThat(statement.path("Condition")).isEqualTo(json("{\"StringEquals\": {\"cloudwatch:namespace\": \"Festival\"}}"));
        assertThat(CloudFormationTemplateTest.propertyGroups(stack).get("CloudWatch").getProperty("namespace")).isEqualTo("Festival");
    }

    // ---------------------------------------------------------------- helpers

    /** The role's resolved policy statements. */
    static List<JsonNode> statements(CfnTemplate.Stack stack) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode policy : stack.properties("ServiceExecutionRole").path("Policies")) {
            policy.path("PolicyDocument").path("Statement").forEach(out::add);
        }
        return out;
    }

    static List<String> actions(JsonNode statement) {
        return strings(statement.path("Action"));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    static Map<String, Set<String>> actionsByService(List<JsonNode> statements) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (JsonNode s : statements) {
            for (String a : actions(s)) {
                out.computeIfAbsent(a.substring(0, a.indexOf(':')), k -> new TreeSet<>()).add(a);
            }
        }
        return out;
    }

    static Map<String, Set<String>> resourcesByAction(List<JsonNode> statements) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (JsonNode s : statements) {
            for (String a : actions(s)) {
                out.computeIfAbsent(a, k -> new TreeSet<>()).addAll(strings(s.path("Resource")));
            }
        }
        return out;
    }

    /** Everything in the role's policy, for one detector mode, that grants more than the job needs. */
    static List<String> leastPrivilegeViolations(CfnTemplate template, String detector) {
        CfnTemplate.Stack stack = template.stack(with(with(REQUIRED, "DetectorMode", detector), "SageMakerEndpointName",
                detector.equals("sagemaker") ? "crowd-emotion-blazeface" : ""));
        List<String> violations = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        EXPECTED_ACTIONS.values().forEach(expected::addAll);
        for (JsonNode s : statements(stack)) {
            String sid = s.path("Sid").asText("(no Sid)");
            if (!"Allow".equals(s.path("Effect").asText())) violations.add(sid + ": Effect " + s.path("Effect"));
            for (String key : List.of("NotAction", "NotResource", "NotPrincipal")) {
                if (s.has(key)) violations.add(sid + ": " + key);
            }
            List<String> actions = actions(s);
            List<String> resources = strings(s.path("Resource"));
            if (actions.isEmpty() || resources.isEmpty()) violations.add(sid + ": no Action or no Resource");
            for (String a : actions) {
                if (a.contains("*") || a.contains("?")) violations.add(sid + ": wildcard action " + a);
                if (!expected.contains(a)) violations.add(sid + ": unexpected action " + a);
            }
            if (resources.contains("*")) {
                for (String a : actions) {
                    if (!NO_RESOURCE_LEVEL_PERMISSION.contains(a)) violations.add(sid + ": Resource * for " + a);
                }
                if (actions.contains("cloudwatch:PutMetricData")
                        && !s.path("Condition").path("StringEquals").has("cloudwatch:namespace")) {
                    violations.add(sid + ": PutMetricData without a cloudwatch:namespace condition");
                }
            }
            for (String r : resources) {
                // Wildcards inside ARNs only where MSF's logging needs them (checked exactly elsewhere).
                if (!r.equals("*") && r.contains("*") && !actions.equals(List.of("logs:DescribeLogGroups"))
                        && !actions.equals(List.of("logs:DescribeLogStreams"))) {
                    violations.add(sid + ": wildcard resource " + r);
                }
            }
        }
        Map<String, Set<String>> byService = actionsByService(statements(stack));
        Map<String, Set<String>> wanted = new TreeMap<>(EXPECTED_ACTIONS);
        if (!detector.equals("sagemaker")) {
            wanted.remove("sagemaker");
        }
        if (!byService.equals(wanted)) {
            violations.add("actions by service " + byService + " differ from " + wanted);
        }
        return violations;
    }
}
