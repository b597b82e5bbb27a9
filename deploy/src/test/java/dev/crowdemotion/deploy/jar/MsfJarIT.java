package dev.crowdemotion.deploy.jar;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The uber jar deployed to Amazon Managed Service for Apache Flink ({@code job-*-msf.jar},
 * maven-shade-plugin in {@code job/pom.xml}): it must carry the job, its connectors and models,
 * and nothing the Flink runtime provides or only tests need, and run on MSF's Java 11.
 */
class MsfJarIT {
    private static final int JAVA_11_CLASS_VERSION = 55;
    private static Set<String> entries;
    private static Path jar;

    @BeforeAll
    static void open() throws IOException {
        jar = Path.of(System.getProperty("msf.jar", "missing"));
        assertThat(jar).as("the job's uber jar (built by `mvn package` of module job)").isRegularFile();
        entries = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            f.stream().map(JarEntry::getName).forEach(entries::add);
        }
    }

    @Test
    void startsTheJob() throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            assertThat(f.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.crowdemotion.job.CrowdEmotionJob");
        }
    }

    @Test
    void findsMsfRuntimePropertiesWhereMsfPutsThem() throws IOException {
        // KinesisAnalyticsRuntime.getApplicationProperties() reads the file named here; a clash
        // with another dependency's config.properties would break configuration on MSF alone
        try (JarFile f = new JarFile(jar.toFile()); InputStream in = f.getInputStream(f.getEntry("config.properties"))) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            assertThat(p.getProperty("application_properties_file")).isEqualTo("/etc/flink/application_properties.json");
        }
    }

    @Test
    void carriesTheJobItsConnectorsAndModels() {
        assertThat(entries).contains(
                "dev/crowdemotion/job/CrowdEmotionJob.class",
                // MSF runtime properties
                "com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class",
                // connectors: Flink clusters and MSF do not provide them; connector-base must be bundled
                "org/apache/flink/connector/base/sink/AsyncSinkBase.class",
                "org/apache/flink/connector/kinesis/source/KinesisStreamsSource.class",
                "org/apache/flink/connector/dynamodb/sink/DynamoDbSink.class",
                "org/apache/flink/connector/file/src/FileSource.class",
                // the service clients the job calls
                "software/amazon/awssdk/services/rekognition/RekognitionAsyncClient.class",
                "software/amazon/awssdk/services/sagemakerruntime/SageMakerRuntimeAsyncClient.class",
                "software/amazon/awssdk/services/cloudwatch/CloudWatchAsyncClient.class",
                // the face detector as resources, with its licence; ONNX Runtime for Linux
                "models/blazeface-back-256.onnx",
                "models/LICENSE-Apache-2.0.txt",
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so");
    }

    @Test
    void leavesOutWhatFlinkProvidesAndWhatOnlyTestsNeed() {
        List<String> forbidden = List.of(
                "org/apache/flink/runtime/",            // flink-runtime (provided)
                "org/apache/flink/api/common/",         // flink-core (provided)
                "org/apache/flink/streaming/api/environment/", // flink-streaming-java (provided)
                "org/apache/flink/client/",             // flink-clients (provided)
                "org/slf4j/", "org/apache/logging/log4j/", // logging is the cluster's
                "org/junit/", "org/assertj/",           // tests
                "com/amazonaws/services/dynamodbv2/local/", // DynamoDB Local (tests)
                "dev/crowdemotion/local/",              // stand-ins and the local demo
                "dev/crowdemotion/modelserver/",        // the SageMaker container
                "ai/onnxruntime/native/win-", "ai/onnxruntime/native/osx-"); // other platforms
        for (String prefix : forbidden) {
            assertThat(entries).as("entries under %s", prefix).noneMatch(e -> e.startsWith(prefix));
        }
    }

    @Test
    void runsOnJava11() throws IOException {
        List<String> newer = new ArrayList<>();
        int classes = 0;
        try (JarFile f = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> all = f.entries();
            while (all.hasMoreElements()) {
                JarEntry e = all.nextElement();
                // multi-release jars keep newer classes under META-INF/versions/N, used only on Java N+
                if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/versions/")) {
                    continue;
                }
                classes++;
                try (InputStream in = f.getInputStream(e); DataInputStream data = new DataInputStream(in)) {
                    assertThat(data.readInt()).as("class file magic of %s", e.getName()).isEqualTo(0xCAFEBABE);
                    data.readUnsignedShort(); // minor version
                    int major = data.readUnsignedShort();
                    if (major > JAVA_11_CLASS_VERSION) {
                        newer.add(e.getName() + " (" + major + ")");
                    }
                }
            }
        }
        assertThat(classes).isGreaterThan(10_000);
        assertThat(newer).as("classes newer than Java 11").isEmpty();
    }
}
