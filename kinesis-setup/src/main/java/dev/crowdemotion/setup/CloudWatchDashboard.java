package dev.crowdemotion.setup;

import dev.crowdemotion.metrics.ScoreMetrics;
import dev.crowdemotion.scores.EmotionType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The CloudWatch dashboard of the job, as a {@code PutDashboard} body (structure:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 *
 * <p><b>Business metrics</b> (namespace of {@code CloudWatch.namespace}, published by the job's
 * CloudWatch sink, see {@code docs/metrics.md}): energy and coverage per stage, frames and faces
 * per stage, the mean confidence of each of the 8 emotions per stage, and the coverage of all
 * stages as metric math {@code SUM(FacesEnriched) / SUM(FacesDetected)}. Every per-stage graph is
 * a {@code SEARCH} expression over the {@code Stage} dimension
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html),
 * so stages that appear later show up without changing the dashboard (at most 500 series per search).
 *
 * <p><b>Operational metrics</b>: what Amazon Managed Service for Apache Flink publishes from the
 * job's Flink metric group {@code kinesisanalytics} (the job's {@code JobMetrics}, the sink's
 * counters): namespace {@value #MSF_NAMESPACE}, dimension {@value #MSF_APPLICATION_DIMENSION} = the
 * application name, at the default {@code Application} monitoring level; the {@code Task},
 * {@code Operator} and {@code Parallelism} levels add dimensions
 * (https://docs.aws.amazon.com/managed-flink/latest/java/monitoring-metrics-custom.html). MSF
 * publishes a Flink counter as its running total since the job (re)started (its own alarm advice
 * is {@code RATE(numberOfFailedCheckpoints) > 0},
 * https://docs.aws.amazon.com/managed-flink/latest/java/monitoring-metrics-alarms.html), so the
 * counters are graphed as {@code RATE(...) * 60}, per minute, of their {@code Sum} over the parallel
 * instances; coverage is {@code RATE(facesEnriched) / RATE(facesDetected)}. Plus MSF's own
 * {@code downtime}, {@code fullRestarts}, {@code numberOfFailedCheckpoints},
 * {@code lastCheckpointDuration}, {@code cpuUtilization}, {@code heapMemoryUtilization}.
 */
public final class CloudWatchDashboard {
    private CloudWatchDashboard() {}

    /** Default dashboard name. */
    public static final String DEFAULT_NAME = "crowd-emotion";
    /** Default MSF application name (the {@value #MSF_APPLICATION_DIMENSION} dimension). */
    public static final String DEFAULT_APPLICATION = "crowd-emotion";
    /** The namespace of MSF's metrics, custom ones included. */
    public static final String MSF_NAMESPACE = "AWS/KinesisAnalytics";
    /** The dimension MSF names the application with. */
    public static final String MSF_APPLICATION_DIMENSION = "Application";
    /** Period of every graph, seconds. */
    public static final int PERIOD_SECONDS = 60;

    /** The business metrics' dimensions, as the job's sink publishes them. */
    static final String STAGE = ScoreMetrics.STAGE;
    static final String EMOTION = ScoreMetrics.EMOTION;

    /** Counters of the job's {@code kinesisanalytics} group graphed per minute, by widget. */
    static final List<String> FRAME_COUNTERS = List.of("framesIn", "framesDecoded", "facesDetected", "facesEnriched",
            "facesUnenriched", "facesSampledOut");
    static final List<String> REKOGNITION_COUNTERS = List.of("rekognitionCalls", "rekognitionImages", "rekognitionThrottles",
            "rekognitionRetries", "rekognitionErrors", "rekognitionTimeouts");
    static final List<String> PROBLEM_COUNTERS = List.of("deadLetters", "lateRecords");
    static final List<String> SINK_COUNTERS = List.of("cloudWatchPublished", "cloudWatchRetried", "cloudWatchRejected",
            "cloudWatchCappedScores");

    /**
     * Namespaces and dimension names matching this regular expression are written into the
     * {@code SEARCH} expressions as they are; others are double-quoted. A template that renders the
     * body with a placeholder namespace and substitutes the real one later (the CloudFormation
     * template in {@code deploy/cloudformation}) must restrict the namespace to this pattern to get
     * the same body.
     */
    public static final String UNQUOTED_TOKEN = "^[A-Za-z0-9_.]+$";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN = Pattern.compile(UNQUOTED_TOKEN);

    /**
     * The dashboard body.
     *
     * @param namespace the business metrics' namespace ({@code CloudWatch.namespace})
     * @param application the MSF application name
     * @param region the region every widget reads its metrics from
     * @return the body JSON
     */
    public static String body(String namespace, String application, String region) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(region, "region");
        ObjectNode root = JSON.createObjectNode();
        ArrayNode widgets = root.putArray("widgets");
        widgets.add(text(0, 0, 24, 2, "# Crowd emotion\nBusiness metrics from the job's CloudWatch sink in namespace `"
                + namespace + "`, one line per `Stage` (stages beyond `CloudWatch.max.stages` as `other`). "
                + "Operational metrics below: `" + MSF_NAMESPACE + "`, " + MSF_APPLICATION_DIMENSION + " `" + application + "`."));

        widgets.add(graph(0, 2, 12, 6, "Energy per stage (0-100)", region, 0.0, 100.0,
                expr("energy", search(namespace, ScoreMetrics.ENERGY, "Average", STAGE), "")));
        widgets.add(graph(12, 2, 12, 6, "Coverage per stage (enriched / detected faces)", region, 0.0, 1.0,
                expr("coverage", search(namespace, ScoreMetrics.COVERAGE, "Average", STAGE), "")));
        widgets.add(graph(0, 8, 8, 6, "Frames per stage (per minute)", region, 0.0, null,
                expr("frames", search(namespace, ScoreMetrics.FRAMES_SEEN, "Sum", STAGE), "")));
        widgets.add(graph(8, 8, 8, 6, "Faces detected per stage (per minute)", region, 0.0, null,
                expr("faces", search(namespace, ScoreMetrics.FACES_DETECTED, "Sum", STAGE), "")));
        widgets.add(graph(16, 8, 8, 6, "Coverage, all stages (metric math)", region, 0.0, 1.0,
                hidden(expr("enriched", "SUM(" + search(namespace, ScoreMetrics.FACES_ENRICHED, "Sum", STAGE) + ")", "faces enriched")),
                hidden(expr("detected", "SUM(" + search(namespace, ScoreMetrics.FACES_DETECTED, "Sum", STAGE) + ")", "faces detected")),
                expr("coverage", "enriched / detected", "coverage, all stages")));
        for (int i = 0; i < EmotionType.COUNT; i++) {
            String e = EmotionType.values()[i].name();
            widgets.add(graph((i % 4) * 6, 14 + (i / 4) * 6, 6, 6, e + ": mean confidence per stage", region, 0.0, 100.0,
                    expr("conf", searchWhere(namespace, ScoreMetrics.EMOTION_CONFIDENCE, EMOTION + "=\"" + e + "\"", "Average", STAGE, EMOTION), "")));
        }

        widgets.add(text(0, 26, 24, 1, "## Operational metrics (MSF, `" + MSF_NAMESPACE + "`, "
                + MSF_APPLICATION_DIMENSION + " `" + application + "`), counters per minute"));
        widgets.add(counterGraph(0, 27, 12, 6, "Frames and faces (per minute)", region, application, FRAME_COUNTERS));
        widgets.add(graph(12, 27, 12, 6, "Coverage (metric math on the job's counters)", region, 0.0, 1.0,
                hidden(msf(application, "facesEnriched", "Sum", "enriched")),
                hidden(msf(application, "facesDetected", "Sum", "detected")),
                expr("coverage", "RATE(enriched) / RATE(detected)", "faces enriched / detected")));
        ObjectNode rekognition = counterGraph(0, 33, 12, 6, "Rekognition (per minute)", region, application, REKOGNITION_COUNTERS);
        ArrayNode backlog = msf(application, "rekognitionBacklog", "Maximum", "backlog");
        ((ObjectNode) backlog.get(backlog.size() - 1)).put("yAxis", "right").put("label", "rekognitionBacklog");
        ((ArrayNode) rekognition.get("properties").get("metrics")).add(backlog);
        widgets.add(rekognition);
        widgets.add(counterGraph(12, 33, 6, 6, "Dead letters, late records (per minute)", region, application, PROBLEM_COUNTERS));
        widgets.add(counterGraph(18, 33, 6, 6, "CloudWatch sink (datums per minute)", region, application, SINK_COUNTERS));
        widgets.add(graph(0, 39, 12, 6, "Job health", region, 0.0, null,
                msf(application, "downtime", "Maximum", "downtime"),
                msf(application, "fullRestarts", "Maximum", "restarts"),
                msf(application, "numberOfFailedCheckpoints", "Maximum", "failedCheckpoints")));
        ObjectNode resources = graph(12, 39, 12, 6, "Resources", region, 0.0, null,
                msf(application, "cpuUtilization", "Average", "cpu"),
                msf(application, "heapMemoryUtilization", "Average", "heap"));
        ArrayNode checkpoint = msf(application, "lastCheckpointDuration", "Maximum", "checkpoint");
        ((ObjectNode) checkpoint.get(checkpoint.size() - 1)).put("yAxis", "right");
        ((ArrayNode) resources.get("properties").get("metrics")).add(checkpoint);
        widgets.add(resources);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code SEARCH('{ns,dim...} MetricName="name"', 'stat', 60)}: every metric of that name with
     * exactly these dimensions; names that are not plain are double-quoted.
     */
    static String search(String namespace, String metricName, String stat, String... dimensions) {
        return searchWhere(namespace, metricName, null, stat, dimensions);
    }

    /** As {@link #search(String, String, String, String...)} with more search terms, e.g. {@code Emotion="HAPPY"}. */
    static String searchWhere(String namespace, String metricName, String terms, String stat, String... dimensions) {
        StringBuilder schema = new StringBuilder("{").append(quote(namespace));
        for (String d : dimensions) {
            schema.append(',').append(quote(d));
        }
        schema.append('}');
        return "SEARCH('" + schema + (terms == null ? "" : " " + terms) + " MetricName=\"" + metricName + "\"', '" + stat
                + "', " + PERIOD_SECONDS + ")";
    }

    private static String quote(String token) {
        return PLAIN.matcher(token).matches() ? token : "\"" + token.replace("\"", "\\\"") + "\"";
    }

    private static ObjectNode text(int x, int y, int w, int h, String markdown) {
        ObjectNode widget = position(JSON.createObjectNode().put("type", "text"), x, y, w, h);
        widget.putObject("properties").put("markdown", markdown);
        return widget;
    }

    private static ObjectNode position(ObjectNode widget, int x, int y, int w, int h) {
        return widget.put("x", x).put("y", y).put("width", w).put("height", h);
    }

    private static ObjectNode graph(int x, int y, int w, int h, String title, String region, Double min, Double max,
                                    ArrayNode... metrics) {
        ObjectNode widget = position(JSON.createObjectNode().put("type", "metric"), x, y, w, h);
        ObjectNode p = widget.putObject("properties");
        p.put("title", title).put("region", region).put("view", "timeSeries").put("stacked", false)
                .put("period", PERIOD_SECONDS);
        ArrayNode list = p.putArray("metrics");
        for (ArrayNode m : metrics) {
            list.add(m);
        }
        ObjectNode left = p.putObject("yAxis").putObject("left");
        if (min != null) {
            left.put("min", min);
        }
        if (max != null) {
            left.put("max", max);
        }
        return widget;
    }

    /** A graph of counters, each as {@code RATE(m) * 60} of its hidden Sum. */
    private static ObjectNode counterGraph(int x, int y, int w, int h, String title, String region, String application,
                                           List<String> counters) {
        ArrayNode[] metrics = new ArrayNode[counters.size() * 2];
        for (int i = 0; i < counters.size(); i++) {
            String id = "m" + i;
            metrics[2 * i] = hidden(msf(application, counters.get(i), "Sum", id));
            metrics[2 * i + 1] = expr("r" + i, "RATE(" + id + ") * 60", counters.get(i));
        }
        return graph(x, y, w, h, title, region, 0.0, null, metrics);
    }

    private static ArrayNode expr(String id, String expression, String label) {
        ArrayNode m = JSON.createArrayNode();
        m.addObject().put("expression", expression).put("id", id).put("label", label);
        return m;
    }

    private static ArrayNode msf(String application, String metric, String stat, String id) {
        ArrayNode m = JSON.createArrayNode();
        m.add(MSF_NAMESPACE).add(metric).add(MSF_APPLICATION_DIMENSION).add(application);
        m.addObject().put("id", id).put("stat", stat).put("label", metric);
        return m;
    }

    private static ArrayNode hidden(ArrayNode metric) {
        ((ObjectNode) metric.get(metric.size() - 1)).put("visible", false);
        return metric;
    }
}
