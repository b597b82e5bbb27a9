package dev.crowdemotion.deploy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A few calls of a Flink JobManager's REST API (Flink 1.20, "REST API" in the Flink docs), with
 * the JDK's HTTP client and Jackson.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param endpoint e.g. {@code http://127.0.0.1:8081} */
    public FlinkRest(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The REST endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * GET {@code path} (e.g. {@code /overview}) as JSON.
     *
     * @throws IOException if the endpoint does not answer or answers other than 200
     */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(endpoint.resolve(path)).GET());
    }

    /** {@code state} of {@code GET /jobs/:id}, e.g. {@code RUNNING}, {@code FAILED}, {@code CANCELED}. */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Parallelism of each of the job's vertices, by vertex name. */
    public List<Vertex> vertices(String jobId) throws IOException, InterruptedException {
        List<Vertex> out = new ArrayList<>();
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            out.add(new Vertex(v.path("id").asText(), v.path("name").asText(), v.path("parallelism").asInt()));
        }
        return out;
    }

    /** Ids of the TaskManagers running the subtasks of one vertex ({@code /jobs/:id/vertices/:vid/taskmanagers}). */
    public Set<String> taskManagersOf(String jobId, String vertexId) throws IOException, InterruptedException {
        Set<String> ids = new TreeSet<>();
        for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertexId + "/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("taskmanager-id").asText());
        }
        return ids;
    }

    /** Completed checkpoints of a job ({@code counts.completed} of {@code /jobs/:id/checkpoints}). */
    public int completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
    }

    /**
     * The checkpoint or savepoint the job's current execution was restored from
     * ({@code latest.restored} of {@code /jobs/:id/checkpoints}: {@code id}, {@code is_savepoint},
     * {@code external_path}, ...), or a missing node if it started without state.
     */
    public JsonNode restoredCheckpoint(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    }

    /**
     * Failures of the job, newest first ({@code exceptionHistory.entries} of
     * {@code /jobs/:id/exceptions}: {@code exceptionName}, {@code stacktrace}, {@code taskManagerId}, ...).
     */
    public JsonNode exceptionHistory(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
    }

    /**
     * Stops a job with a savepoint ({@code POST /jobs/:id/stop}, {@code drain: false}: no
     * end-of-input watermark, so event-time windows stay open in the savepoint) and waits for the
     * savepoint ({@code GET /jobs/:id/savepoints/:triggerid}).
     *
     * @param targetDirectory URI of the savepoint directory, e.g. {@code file:///tmp/savepoints}
     * @return the savepoint's location (a URI), for {@code flink run -s}
     * @throws IOException if the stop fails (its failure cause is included) or the call fails
     * @throws java.util.concurrent.TimeoutException if the savepoint is not complete within {@code timeout}
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
        String body = JSON.createObjectNode().put("targetDirectory", targetDirectory).put("drain", false).toString();
        String trigger = send(HttpRequest.newBuilder(endpoint.resolve("/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop with savepoint of " + jobId + " failed: "
                            + operation.path("failure-cause").path("stack-trace").asText());
                }
                return operation.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new java.util.concurrent.TimeoutException("savepoint of " + jobId + " not complete in " + timeout);
    }

    /** Cancels a job ({@code PATCH /jobs/:id?mode=cancel}); returns at once. */
    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(endpoint.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(response.request().method() + " " + response.request().uri() + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** A job vertex (a chain of operators) and its parallelism. */
    public static final class Vertex {
        private final String id;
        private final String name;
        private final int parallelism;

        Vertex(String id, String name, int parallelism) {
            this.id = id;
            this.name = name;
            this.parallelism = parallelism;
        }

        public String id() { return id; }
        public String name() { return name; }
        public int parallelism() { return parallelism; }

        @Override
        public String toString() {
            return name + " (p=" + parallelism + ")";
        }
    }
}
