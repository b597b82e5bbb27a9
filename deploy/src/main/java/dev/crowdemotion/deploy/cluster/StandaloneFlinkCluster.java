package dev.crowdemotion.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster of separate JVM processes on this machine, started the way
 * Flink's own {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them, but from
 * Flink's runtime artifacts on Maven Central instead of the binary distribution:
 * <ul>
 *   <li>one JobManager, {@code org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint};</li>
 *   <li>N TaskManagers, {@code org.apache.flink.runtime.taskexecutor.TaskManagerRunner};</li>
 *   <li>JVM memory flags and dynamic memory properties computed by Flink's
 *       {@code org.apache.flink.runtime.util.bash.BashJavaUtils}, as the scripts do;</li>
 *   <li>jobs submitted by Flink's command line client, {@code org.apache.flink.client.cli.CliFrontend run},
 *       in a JVM of its own, through the JobManager's REST endpoint.</li>
 * </ul>
 * Everything binds to 127.0.0.1. Configuration (one {@code config.yaml} for all processes) is
 * cluster configuration: checkpointing, restart strategy and slots are set here, never by the
 * job. Logs go to {@code <workDir>/log}.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern JOB_ID = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");

    /**
     * The JVM options Flink 1.20 starts every process with on Java 17 ({@code env.java.opts.all}
     * of the distribution's {@code conf/config.yaml}).
     */
    public static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Options options;
    private final Path confDir;
    private final Path logDir;
    private final FlinkRest rest;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneFlinkCluster(Options options, Path confDir, Path logDir, URI restEndpoint) {
        this.options = options;
        this.confDir = confDir;
        this.logDir = logDir;
        this.rest = new FlinkRest(restEndpoint);
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers, and returns once
     * every TaskManager has registered its slots.
     *
     * @throws IOException if the work directory cannot be written or a process cannot start
     * @throws TimeoutException if the cluster is not up within {@link Options#startTimeout}
     * @throws IllegalStateException if a process exits while starting (its log is named)
     */
    public static StandaloneFlinkCluster start(Options options) throws IOException, InterruptedException, TimeoutException {
        Path confDir = Files.createDirectories(options.workDir.resolve("conf"));
        Path logDir = Files.createDirectories(options.workDir.resolve("log"));
        int restPort = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", Integer.toString(freePort()));
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", Integer.toString(restPort));
        config.put("jobmanager.memory.process.size", options.jobManagerMemory);
        config.put("taskmanager.memory.process.size", options.taskManagerMemory);
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(options.slotsPerTaskManager));
        config.put("execution.checkpointing.dir", options.workDir.resolve("checkpoints").toUri().toString());
        config.putAll(options.configuration);
        StringBuilder yaml = new StringBuilder("# written by StandaloneFlinkCluster\n");
        config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
        Files.writeString(confDir.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = FileAppender",
                "appender.file.name = FileAppender",
                "appender.file.type = FILE",
                "appender.file.append = false",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                ""), StandardCharsets.UTF_8);

        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(options, confDir, logDir,
                URI.create("http://127.0.0.1:" + restPort));
        try {
            cluster.processes.add(cluster.launch("jobmanager", JOB_MANAGER, "GET_JM_RESOURCE_PARAMS"));
            for (int i = 1; i <= options.taskManagers; i++) {
                cluster.processes.add(cluster.launchTaskManager(i));
            }
            cluster.awaitSlots(options.taskManagers * options.slotsPerTaskManager);
            return cluster;
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Submits a job jar with Flink's command line client ({@code flink run -d -p N jar args}),
     * detached, and returns its job id (32 hex digits).
     *
     * @throws IllegalStateException if the client fails or prints no job id (its output is included)
     */
    public String submit(Path jar, int parallelism, List<String> programArgs)
            throws IOException, InterruptedException, TimeoutException {
        return submit(jar, parallelism, null, programArgs);
    }

    /**
     * As {@link #submit(Path, int, List)}, restoring the job's state from a savepoint or retained
     * checkpoint ({@code flink run -s <path>}) when {@code savepoint} is not null.
     */
    public String submit(Path jar, int parallelism, String savepoint, List<String> programArgs)
            throws IOException, InterruptedException, TimeoutException {
        List<String> args = new ArrayList<>(List.of("run", "-m", rest.endpoint().getAuthority(), "-d",
                "-p", Integer.toString(parallelism)));
        if (savepoint != null) {
            args.addAll(List.of("-s", savepoint));
        }
        args.add(jar.toAbsolutePath().toString());
        args.addAll(programArgs);
        Path out = logDir.resolve("client.out");
        Process client = javaProcess("client", CLI, List.of(), args, out);
        if (!client.waitFor(options.startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            client.destroyForcibly();
            throw new TimeoutException("flink run did not finish in " + options.startTimeout);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = JOB_ID.matcher(output);
        if (client.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("flink run failed (exit " + client.exitValue() + "):\n" + output);
        }
        return m.group(1);
    }

    /**
     * Kills TaskManager {@code i} (1-based, in start order) with SIGKILL, as a crashed machine
     * would end: no shutdown hook, no deregistration; returns once the process is gone. Its
     * resource id, as the REST API shows it, is {@link #taskManagerId(int)}.
     *
     * @throws IllegalArgumentException if there is no such TaskManager
     */
    public void killTaskManager(int i) throws InterruptedException {
        if (i < 1 || i > options.taskManagers) {
            throw new IllegalArgumentException("no TaskManager " + i + " of " + options.taskManagers);
        }
        Process p = processes.get(i);
        p.destroyForcibly();
        p.waitFor();
    }

    /**
     * The resource id of TaskManager {@code i} (1-based), {@code taskmanager-i}: set with
     * {@code taskmanager.resource-id}, it is the {@code id} of {@code /taskmanagers} and the
     * {@code taskmanager-id} of {@code /jobs/:id/vertices/:vid/taskmanagers}.
     */
    public static String taskManagerId(int i) {
        return "taskmanager-" + i;
    }

    /** The JobManager's REST API. */
    public FlinkRest rest() {
        return rest;
    }

    /** Directory of the processes' logs ({@code <name>.log}) and standard output ({@code <name>.out}). */
    public Path logDir() {
        return logDir;
    }

    /** Stops every process (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Process launchTaskManager(int i) throws IOException, InterruptedException {
        return launch(taskManagerId(i), TASK_MANAGER, "GET_TM_RESOURCE_PARAMS",
                List.of("-D", "taskmanager.resource-id=" + taskManagerId(i)));
    }

    private Process launch(String name, String mainClass, String resourceCommand) throws IOException, InterruptedException {
        return launch(name, mainClass, resourceCommand, List.of());
    }

    private Process launch(String name, String mainClass, String resourceCommand, List<String> extraArgs)
            throws IOException, InterruptedException {
        List<String> resources = bashJavaUtils(resourceCommand);
        List<String> jvm = Arrays.asList(resources.get(0).trim().split("\\s+"));
        List<String> dynamic = resources.size() > 1 && !resources.get(1).isBlank()
                ? Arrays.asList(resources.get(1).trim().split("\\s+")) : List.of();
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(dynamic);
        args.addAll(extraArgs);
        return javaProcess(name, mainClass, jvm, args, logDir.resolve(name + ".out"));
    }

    /** Runs BashJavaUtils as the scripts do; returns its result lines (JVM flags, dynamic properties). */
    private List<String> bashJavaUtils(String command) throws IOException, InterruptedException {
        Path out = logDir.resolve("bash-java-utils-" + command + ".out");
        Process p = javaProcess("bash-java-utils", BASH_JAVA_UTILS, List.of(),
                List.of(command, "--configDir", confDir.toString()), out);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(BASH_JAVA_UTILS + " " + command + " failed: "
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        List<String> results = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith(EXEC_RESULT)).map(l -> l.substring(EXEC_RESULT.length()))
                .collect(Collectors.toList());
        if (results.isEmpty()) {
            throw new IllegalStateException(BASH_JAVA_UTILS + " " + command + " printed no result: "
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return results;
    }

    private Process javaProcess(String name, String mainClass, List<String> jvmFlags, List<String> args, Path out)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(JAVA_17_OPTIONS);
        command.addAll(options.jvmOptions);
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-classpath");
        command.add(options.classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        builder.environment().putAll(options.environment);
        return builder.start();
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private void awaitSlots(int slots) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + options.startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    throw new IllegalStateException("a cluster process exited while starting (exit "
                            + processes.get(i).exitValue() + "); see the logs in " + logDir);
                }
            }
            try {
                if (rest.get("/overview").path("slots-total").asInt() >= slots) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the REST endpoint is not listening yet
            }
            Thread.sleep(500);
        }
        throw new TimeoutException("cluster not up with " + slots + " slots in " + options.startTimeout + "; logs in " + logDir);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How to start the cluster. */
    public static final class Options {
        private final List<Path> classpath;
        private final Path workDir;
        private int taskManagers = 2;
        private int slotsPerTaskManager = 1;
        private String jobManagerMemory = "1024m";
        private String taskManagerMemory = "1728m";
        private Duration startTimeout = Duration.ofMinutes(2);
        private final Map<String, String> configuration = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Options(List<Path> classpath, Path workDir) {
            this.classpath = List.copyOf(classpath);
            this.workDir = workDir;
        }

        /**
         * @param classpath Flink's runtime jars (what {@code lib/} of the distribution holds), without the job
         * @param workDir where {@code conf/}, {@code log/} and checkpoints go
         */
        public static Options of(List<Path> classpath, Path workDir) {
            return new Options(classpath, workDir);
        }

        /** Number of TaskManager processes (default 2). */
        public Options taskManagers(int n) {
            this.taskManagers = n;
            return this;
        }

        /** {@code taskmanager.numberOfTaskSlots} (default 1, so that parallelism 2 spans two processes). */
        public Options slotsPerTaskManager(int n) {
            this.slotsPerTaskManager = n;
            return this;
        }

        /** {@code jobmanager.memory.process.size} and {@code taskmanager.memory.process.size} (defaults 1024m, 1728m). */
        public Options memory(String jobManager, String taskManager) {
            this.jobManagerMemory = jobManager;
            this.taskManagerMemory = taskManager;
            return this;
        }

        /** Any other Flink configuration key, e.g. {@code execution.checkpointing.interval}. */
        public Options set(String key, String value) {
            configuration.put(key, value);
            return this;
        }

        /** An extra JVM option for every process (e.g. {@code -Daws.cborEnabled=false}). */
        public Options jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** An environment variable for every process. */
        public Options environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** How long starting the cluster, or a submission, may take (default 2 min). */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }
    }
}
