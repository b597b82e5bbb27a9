package dev.crowdemotion.deploy.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's CloudFormation template ({@code deploy/cloudformation/crowd-emotion.json}) parsed
 * with Jackson, and an evaluator of the intrinsic functions it uses, for tests: {@link Stack}
 * resolves {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::If} and
 * the condition functions the way CloudFormation would for a stack in {@value #ACCOUNT} /
 * {@value #REGION} with given parameter values, giving the template's own resources the physical
 * names their properties ask for and ARNs in CloudFormation's formats. Any other function, or an
 * attribute it does not know, throws: a template that grows beyond it fails its tests instead of
 * being half-checked.
 */
final class CfnTemplate {
    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "123456789012";
    static final String PARTITION = "aws";
    static final String STACK = "crowd-emotion-stack";
    /** Pseudo parameters CloudFormation defines. */
    static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    /** The {@code Fn::GetAtt} attributes this evaluator knows, by resource type. */
    static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "AWS::Kinesis::Stream", Set.of("Arn"),
            "AWS::DynamoDB::Table", Set.of("Arn"),
            "AWS::IAM::Role", Set.of("Arn"),
            "AWS::Logs::LogGroup", Set.of("Arn"));
    /** {@code ${Name}} or {@code ${Resource.Attribute}} in {@code Fn::Sub}; {@code ${!x}} is a literal. */
    static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode root;

    private CfnTemplate(JsonNode root) {
        this.root = root;
    }

    /** The template file, found from the module directory or the repository root. */
    static Path path() {
        for (Path p : List.of(Path.of("cloudformation/crowd-emotion.json"), Path.of("deploy/cloudformation/crowd-emotion.json"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("crowd-emotion.json not found from " + Path.of("").toAbsolutePath());
    }

    static CfnTemplate load() {
        try {
            return parse(Files.readString(path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CfnTemplate parse(String json) {
        try {
            return new CfnTemplate(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deep copy, to break in tests that show a check can fail. */
    CfnTemplate copy() {
        return new CfnTemplate(root.deepCopy());
    }

    JsonNode parameters() { return root.path("Parameters"); }
    JsonNode resources() { return root.path("Resources"); }
    JsonNode conditions() { return root.path("Conditions"); }

    /** The logical ids of the resources of a type. */
    Set<String> resourcesOfType(String type) {
        Set<String> ids = new TreeSet<>();
        resources().fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    /** The one resource of a type. */
    String onlyResourceOfType(String type) {
        Set<String> ids = resourcesOfType(type);
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + ids);
        }
        return ids.iterator().next();
    }

    /** The unresolved properties of a resource. */
    JsonNode properties(String logicalId) {
        JsonNode r = resources().get(logicalId);
        if (r == null) {
            throw new IllegalArgumentException("no resource " + logicalId);
        }
        return r.path("Properties");
    }

    /** Every parameter's default ({@code null} for none), as the string CloudFormation passes. */
    Map<String, String> defaults() {
        Map<String, String> values = new LinkedHashMap<>();
        parameters().fields().forEachRemaining(e -> {
            JsonNode d = e.getValue().get("Default");
            values.put(e.getKey(), d == null ? null : d.asText());
        });
        return values;
    }

    /** A stack of this template with the parameters' defaults, overridden by {@code values}. */
    Stack stack(Map<String, String> values) {
        Map<String, String> all = defaults();
        all.putAll(values);
        all.forEach((k, v) -> {
            if (v == null) {
                throw new IllegalArgumentException("parameter " + k + " has no default and no value");
            }
        });
        return new Stack(all);
    }

    /** Resolves the template's intrinsic functions for one set of parameter values. */
    final class Stack {
        final Map<String, String> parameters;
        private final Map<String, Boolean> conditionValues = new HashMap<>();

        private Stack(Map<String, String> parameters) {
            this.parameters = Map.copyOf(parameters);
        }

        /** The template this is a stack of. */
        CfnTemplate template() {
            return CfnTemplate.this;
        }

        /** Whether a condition of the template holds. */
        boolean condition(String name) {
            Boolean cached = conditionValues.get(name);
            if (cached == null) {
                JsonNode c = conditions().get(name);
                if (c == null) {
                    throw new IllegalArgumentException("no condition " + name);
                }
                cached = evaluateCondition(c);
                conditionValues.put(name, cached);
            }
            return cached;
        }

        /** The resolved properties of a resource. */
        JsonNode properties(String logicalId) {
            return resolve(CfnTemplate.this.properties(logicalId));
        }

        /** The resolved value of a template fragment; {@code null} where it is {@code AWS::NoValue}. */
        JsonNode resolve(JsonNode node) {
            if (node.isArray()) {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                for (JsonNode item : node) {
                    JsonNode r = resolve(item);
                    if (r != null) {
                        out.add(r);
                    }
                }
                return out;
            }
            if (!node.isObject()) {
                return node;
            }
            if (node.size() == 1) {
                String key = node.fieldNames().next();
                JsonNode arg = node.get(key);
                switch (key) {
                    case "Ref":
                        return "AWS::NoValue".equals(arg.asText()) ? null : TextNode.valueOf(ref(arg.asText()));
                    case "Fn::GetAtt":
                        return TextNode.valueOf(getAtt(arg.get(0).asText(), arg.get(1).asText()));
                    case "Fn::Sub":
                        return TextNode.valueOf(sub(arg));
                    case "Fn::Join":
                        return TextNode.valueOf(join(arg));
                    case "Fn::If":
                        return resolve(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
                    default:
                        if (key.startsWith("Fn::")) {
                            throw new UnsupportedOperationException("intrinsic function " + key + " is not supported here");
                        }
                }
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode r = resolve(e.getValue());
                if (r != null) {
                    out.set(e.getKey(), r);
                }
            }
            return out;
        }

        /** What {@code Ref} gives: a parameter's value, a pseudo parameter, or a resource's physical id. */
        String ref(String name) {
            if (parameters.containsKey(name)) {
                return parameters.get(name);
            }
            switch (name) {
                case "AWS::Region": return REGION;
                case "AWS::AccountId": return ACCOUNT;
                case "AWS::Partition": return PARTITION;
                case "AWS::StackName": return STACK;
                case "AWS::URLSuffix": return "amazonaws.com";
                default: break;
            }
            JsonNode r = resources().get(name);
            if (r == null) {
                throw new IllegalArgumentException("Ref to undefined " + name);
            }
            String type = r.path("Type").asText();
            switch (type) {
                case "AWS::Kinesis::Stream": return nameProperty(name, "Name");
                case "AWS::DynamoDB::Table": return nameProperty(name, "TableName");
                case "AWS::Logs::LogGroup": return nameProperty(name, "LogGroupName");
                case "AWS::Logs::LogStream": return nameProperty(name, "LogStreamName");
                case "AWS::KinesisAnalyticsV2::Application": return nameProperty(name, "ApplicationName");
                case "AWS::CloudWatch::Dashboard": return nameProperty(name, "DashboardName");
                case "AWS::IAM::Role": return STACK + "-" + name + "-EXAMPLE";
                default: throw new UnsupportedOperationException("Ref of a " + type);
            }
        }

        /** What {@code Fn::GetAtt} gives, for the attributes in {@link #ATTRIBUTES}. */
        String getAtt(String logicalId, String attribute) {
            JsonNode r = resources().get(logicalId);
            if (r == null) {
                throw new IllegalArgumentException("Fn::GetAtt of undefined " + logicalId);
            }
            String type = r.path("Type").asText();
            if (!ATTRIBUTES.getOrDefault(type, Set.of()).contains(attribute)) {
                throw new UnsupportedOperationException("Fn::GetAtt " + logicalId + "." + attribute + " of a " + type);
            }
            String name = ref(logicalId);
            switch (type) {
                case "AWS::Kinesis::Stream": return arn("kinesis", "stream/" + name);
                case "AWS::DynamoDB::Table": return arn("dynamodb", "table/" + name);
                case "AWS::IAM::Role": return "arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/" + name;
                default: return arn("logs", "log-group:" + name + ":*");
            }
        }

        private String arn(String service, String resource) {
            return "arn:" + PARTITION + ":" + service + ":" + REGION + ":" + ACCOUNT + ":" + resource;
        }

        private String nameProperty(String logicalId, String property) {
            JsonNode p = CfnTemplate.this.properties(logicalId).get(property);
            if (p == null) {
                throw new UnsupportedOperationException(logicalId + " has no " + property + " (generated names are not modelled)");
            }
            return resolve(p).asText();
        }

        private String sub(JsonNode arg) {
            String template = arg.isArray() ? arg.get(0).asText() : arg.asText();
            Map<String, String> vars = new HashMap<>();
            if (arg.isArray()) {
                arg.get(1).fields().forEachRemaining(e -> vars.put(e.getKey(), resolve(e.getValue()).asText()));
            }
            Matcher m = SUB_VARIABLE.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = m.group(1);
                String value;
                if (vars.containsKey(v)) {
                    value = vars.get(v);
                } else if (v.contains(".") && !v.startsWith("AWS::")) {
                    value = getAtt(v.substring(0, v.indexOf('.')), v.substring(v.indexOf('.') + 1));
                } else {
                    value = ref(v);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString().replace("${!", "${");
        }

        private String join(JsonNode arg) {
            StringBuilder out = new StringBuilder();
            JsonNode items = resolve(arg.get(1));
            for (int i = 0; i < items.size(); i++) {
                out.append(i == 0 ? "" : arg.get(0).asText()).append(items.get(i).asText());
            }
            return out.toString();
        }

        private boolean evaluateCondition(JsonNode c) {
            String key = c.fieldNames().next();
            JsonNode arg = c.get(key);
            switch (key) {
                case "Fn::Equals": return resolve(arg.get(0)).asText().equals(resolve(arg.get(1)).asText());
                case "Fn::Not": return !evaluateCondition(arg.get(0));
                case "Fn::And": {
                    boolean all = true;
                    for (JsonNode a : arg) all &= evaluateCondition(a);
                    return all;
                }
                case "Fn::Or": {
                    boolean any = false;
                    for (JsonNode a : arg) any |= evaluateCondition(a);
                    return any;
                }
                case "Condition": return condition(arg.asText());
                default: throw new UnsupportedOperationException("condition function " + key);
            }
        }
    }
}
