package dev.crowdemotion.local.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crowdemotion.local.aws.LocalAws;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** kinesis-mock through the real SDK v2 KinesisClient (AWS JSON, not CBOR). */
class KinesisEmulatorTest {
    private static KinesisEmulator emulator;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        emulator = KinesisEmulator.start();
        System.out.printf("kinesis-mock started in %d ms at %s%n", (System.nanoTime() - t0) / 1_000_000, emulator.endpoint());
        kinesis = KinesisClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @AfterAll
    static void stop() {
        if (kinesis != null) {
            kinesis.close();
        }
        if (emulator != null) {
            emulator.close();
            assertThat(emulator.isRunning()).isFalse();
        }
    }

    @Test
    void usesJsonNotCbor() {
        assertThat(System.getProperty("aws.cborEnabled")).isEqualTo("false");
    }

    @Test
    void endpointIsLoopbackPlainHttp() {
        assertThat(emulator.endpoint().toString()).isEqualTo("http://127.0.0.1:" + emulator.port());
        assertThat(emulator.logFile()).exists();
    }

    @Test
    void putRecordOf100KbComesBackByteIdentical() throws Exception {
        String stream = "frames-it";
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        awaitActive(stream);
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN())
                .isEqualTo(LocalAws.streamArn(stream));

        byte[] blob = new byte[100 * 1024];
        new Random(42).nextBytes(blob);
        PutRecordResponse put = kinesis.putRecord(b -> b.streamName(stream).partitionKey("stage-1")
                .data(SdkBytes.fromByteArray(blob)));

        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(put.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(iterator));
        List<Record> records = got.records();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).sequenceNumber()).isEqualTo(put.sequenceNumber());
        assertThat(records.get(0).partitionKey()).isEqualTo("stage-1");
        assertThat(records.get(0).data().asByteArray()).isEqualTo(blob);
    }

    @Test
    void closeReleasesThePort() throws Exception {
        KinesisEmulator second = KinesisEmulator.start();
        int port = second.port();
        long pid = second.pid();
        second.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalAws.LOOPBACK_HOST, port), 500);
            throw new AssertionError("port " + port + " still accepts connections");
        } catch (java.net.ConnectException expected) {
            // closed
        }
    }

    private static void awaitActive(String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            StreamStatus status = kinesis.describeStreamSummary(b -> b.streamName(stream))
                    .streamDescriptionSummary().streamStatus();
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + stream + " not ACTIVE");
    }
}
