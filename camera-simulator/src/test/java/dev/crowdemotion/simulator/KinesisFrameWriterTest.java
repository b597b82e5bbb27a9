package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KinesisFrameWriterTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final FakeKinesis kinesis = new FakeKinesis();

    private KinesisFrameWriter writer(int attempts) {
        return new KinesisFrameWriter(kinesis, StreamRef.name("frames"),
                new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(2)), sleeps::add, new Random(7));
    }

    private static List<CameraFrame> frames(int n, int imageBytes) {
        return IntStream.range(0, n).mapToObj(i -> TestFrames.frame("cam-" + (i % 3), i, imageBytes))
                .collect(Collectors.toList());
    }

    @Test
    void batchesSplitAt500Records() {
        List<Integer> items = IntStream.range(0, 1201).boxed().collect(Collectors.toList());
        List<List<Integer>> b = KinesisFrameWriter.batches(items, i -> 10, 500, KinesisFrameWriter.MAX_BYTES_PER_CALL);
        assertThat(b).extracting(List::size).containsExactly(500, 500, 201);
        assertThat(b.stream().flatMap(List::stream).collect(Collectors.toList())).isEqualTo(items);
    }

    @Test
    void batchesSplitAt5MiB() {
        long mib = 1024 * 1024;
        // 5 records of 1 MiB fill a call exactly; the 6th starts a new one
        List<Long> sizes = List.of(mib, mib, mib, mib, mib, mib, 1L, mib - 1, mib);
        List<List<Long>> b = KinesisFrameWriter.batches(sizes, s -> s, 500, 5 * mib);
        assertThat(b).extracting(List::size).containsExactly(5, 4);
        List<Long> mixed = new ArrayList<>();
        for (int i = 0; i < 20; i++) mixed.add(i % 2 == 0 ? 900_000L : 300_000L);
        for (List<Long> batch : KinesisFrameWriter.batches(mixed, s -> s, 500, 5 * mib)) {
            assertThat(batch.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(5 * mib);
        }
        assertThat(KinesisFrameWriter.batches(List.<Long>of(), s -> s, 500, 5 * mib)).isEmpty();
    }

    @Test
    void writesEveryFrameInCallsWithinTheLimits() {
        List<CameraFrame> big = frames(12, 1_000_000); // ~1 MB records: 5 per call
        List<CameraFrame> small = frames(1100, 200);   // 500 per call
        WriteResult r1 = writer(3).write(big);
        assertThat(r1.recordsSent()).isEqualTo(12);
        assertThat(r1.failures()).isEmpty();
        assertThat(r1.calls()).isEqualTo(3);
        WriteResult r2 = writer(3).write(small);
        assertThat(r2.recordsSent()).isEqualTo(1100);
        assertThat(r2.calls()).isEqualTo(3);
        for (PutRecordsRequest call : kinesis.calls) {
            assertThat(call.streamName()).isEqualTo("frames");
            assertThat(call.records()).hasSizeLessThanOrEqualTo(500);
            long bytes = call.records().stream().mapToLong(size()).sum();
            assertThat(bytes).isLessThanOrEqualTo(5L * 1024 * 1024);
        }
        assertThat(kinesis.calls).extracting(c -> c.records().size()).containsExactly(5, 5, 2, 500, 500, 100);
        assertThat(sleeps).isEmpty();
        // partition key = camera id, data = the codec's record
        List<CameraFrame> got = kinesis.acceptedFrames();
        assertThat(got.subList(0, 12)).isEqualTo(big);
        assertThat(kinesis.accepted.get(1).partitionKey()).isEqualTo("cam-1");
        long expectedBytes = 0;
        for (CameraFrame f : big) expectedBytes += encodedSize(f);
        assertThat(r1.bytesSent()).isEqualTo(expectedBytes);
    }

    @Test
    void retriesThrottledAndFailedRecordsWithBackoff() {
        // first call: every third record throttled, every fifth internal failure; second call: one more throttle
        kinesis.errors = (call, rec) -> {
            int seq = seqOf(rec);
            if (call == 0 && seq % 3 == 0) return "ProvisionedThroughputExceededException";
            if (call == 0 && seq % 5 == 0) return "InternalFailure";
            if (call == 1 && seq == 3) return "ProvisionedThroughputExceededException";
            return null;
        };
        List<CameraFrame> in = frames(30, 1000);
        WriteResult r = writer(5).write(in);
        assertThat(r.recordsSent()).isEqualTo(30);
        assertThat(r.failures()).isEmpty();
        assertThat(r.calls()).isEqualTo(3);
        int firstRetries = 10 + 4; // multiples of 3 (0..27) and of 5 not of 3 (5,10,20,25)
        assertThat(r.retries()).isEqualTo(firstRetries + 1);
        assertThat(kinesis.calls.get(1).records()).hasSize(firstRetries);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(50L, 100L);
        assertThat(sleeps.get(1)).isBetween(100L, 200L);
        assertThat(kinesis.acceptedFrames()).containsExactlyInAnyOrderElementsOf(in);
    }

    @Test
    void reportsWhatStillFailsAfterTheLastAttempt() {
        kinesis.errors = (call, rec) -> {
            int seq = seqOf(rec);
            if (seq == 1) return "InternalFailure";
            if (seq == 2) return "KMSAccessDeniedException"; // not retryable
            return null;
        };
        List<CameraFrame> in = frames(4, 100);
        WriteResult r = writer(4).write(in);
        assertThat(r.recordsSent()).isEqualTo(2);
        assertThat(r.failures()).hasSize(2);
        assertThat(r.failures()).anySatisfy(f -> {
            assertThat(f.frame()).isSameAs(in.get(1));
            assertThat(f.errorCode()).isEqualTo("InternalFailure");
            assertThat(f.message()).contains("4 attempt");
        }).anySatisfy(f -> {
            assertThat(f.frame()).isSameAs(in.get(2));
            assertThat(f.errorCode()).isEqualTo("KMSAccessDeniedException");
        });
        assertThat(kinesis.calls).hasSize(4);
        assertThat(r.retries()).isEqualTo(3);
        assertThat(sleeps).hasSize(3);
        for (int i = 1; i < sleeps.size(); i++) {
            assertThat(sleeps.get(i)).isGreaterThanOrEqualTo(sleeps.get(i - 1) / 2 * 2 / 2); // grows (jittered)
        }
        assertThat(sleeps.get(2)).isBetween(200L, 400L);
        assertThat(r.fatalError()).isNull();
    }

    @Test
    void retriesThrottledCallsAndStopsOnFatalOnes() {
        int[] n = {0};
        FakeKinesis throttling = new FakeKinesis() {
            @Override
            public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
                if (n[0]++ == 0) {
                    throw (KinesisException) KinesisException.builder().statusCode(400)
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("LimitExceededException")
                                    .errorMessage("slow down").build()).build();
                }
                return super.putRecords(request);
            }
        };
        WriteResult r = new KinesisFrameWriter(throttling, StreamRef.arn("arn:aws:kinesis:us-east-1:000000000000:stream/frames"),
                new RetryPolicy(3, Duration.ZERO, Duration.ZERO), ms -> { }, new Random()).write(frames(3, 10));
        assertThat(r.recordsSent()).isEqualTo(3);
        assertThat(r.retries()).isEqualTo(3);
        assertThat(throttling.calls.get(0).streamARN()).endsWith("stream/frames");

        FakeKinesis missing = new FakeKinesis() {
            @Override
            public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
                calls.add(request);
                throw (ResourceNotFoundException) ResourceNotFoundException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                                .errorMessage("Stream frames not found").build()).build();
            }
        };
        WriteResult f = new KinesisFrameWriter(missing, StreamRef.name("frames"), RetryPolicy.defaults(), ms -> { },
                new Random()).write(frames(600, 10));
        assertThat(f.recordsSent()).isZero();
        assertThat(f.failures()).hasSize(600);
        assertThat(f.fatalError()).contains("ResourceNotFoundException");
        assertThat(missing.calls).as("no retry, no second batch").hasSize(1);
    }

    @Test
    void framesBreakingTheContractFailWithTheirReason() {
        CameraFrame badId = TestFrames.frame("bad id!", 0, 10);
        CameraFrame tooBig = TestFrames.frame("cam-0", 1, FrameCodec.MAX_RECORD_BYTES);
        CameraFrame ok = TestFrames.frame("cam-0", 2, 10);
        WriteResult r = writer(2).write(List.of(badId, tooBig, ok));
        assertThat(r.recordsSent()).isEqualTo(1);
        assertThat(r.failures()).extracting(WriteResult.Failure::errorCode).containsExactly("BAD_ID", "TOO_LARGE");
    }

    @Test
    void framesOfSeveralRecordsAreSentInOrderAndCountedOnce() {
        // an encoder making 3 "face" records per frame (data: a marker of frame and index), the last one face-less
        RecordEncoder three = f -> {
            List<EncodedRecord> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] data = (f.getCameraId() + "#" + f.getSequenceNumber() + "." + i).getBytes(StandardCharsets.UTF_8);
                out.add(new EncodedRecord(i < 2 ? EncodedRecord.Kind.FACE : EncodedRecord.Kind.NO_FACE, data));
            }
            return out;
        };
        // record 1 of frame 2 fails for good; a throttled record of frame 3 succeeds on retry
        kinesis.errors = (call, rec) -> {
            String d = rec.data().asUtf8String();
            if (d.equals("cam-2#2.1")) return "KMSAccessDeniedException";
            if (call == 0 && d.equals("cam-0#3.0")) return "ProvisionedThroughputExceededException";
            return null;
        };
        KinesisFrameWriter w = new KinesisFrameWriter(kinesis, StreamRef.name("frames"),
                new RetryPolicy(3, Duration.ZERO, Duration.ZERO), ms -> { }, new Random(1), three);
        List<CameraFrame> in = frames(5, 10);
        WriteResult r = w.write(in);
        assertThat(r.recordsSent()).isEqualTo(14);
        assertThat(r.faceRecordsSent()).isEqualTo(14);
        assertThat(r.facesSent()).isEqualTo(9);
        assertThat(r.failures()).as("one failure for the frame, not per record").singleElement()
                .satisfies(f -> assertThat(f.frame()).isSameAs(in.get(2)));
        assertThat(r.bytesSent()).isEqualTo(kinesis.accepted.stream().mapToLong(size()).sum());
        // first call: every record in frame order, partition key = camera id
        assertThat(kinesis.calls.get(0).records()).extracting(e -> e.data().asUtf8String()).containsExactly(
                "cam-0#0.0", "cam-0#0.1", "cam-0#0.2", "cam-1#1.0", "cam-1#1.1", "cam-1#1.2",
                "cam-2#2.0", "cam-2#2.1", "cam-2#2.2", "cam-0#3.0", "cam-0#3.1", "cam-0#3.2",
                "cam-1#4.0", "cam-1#4.1", "cam-1#4.2");
        assertThat(kinesis.accepted).allSatisfy(e -> assertThat(e.data().asUtf8String()).startsWith(e.partitionKey() + "#"));
        assertThat(r.retries()).isEqualTo(1);
    }

    @Test
    void retryPolicyGrowsExponentiallyWithJitterUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        Random rnd = new Random(1);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            long d2 = p.delayMs(2, rnd), d3 = p.delayMs(3, rnd), d9 = p.delayMs(9, rnd);
            assertThat(d2).isBetween(50L, 100L);
            assertThat(d3).isBetween(100L, 200L);
            assertThat(d9).isBetween(500L, 1000L);
            seen.add(d2);
        }
        assertThat(seen.size()).as("jittered").isGreaterThan(5);
    }

    private static int seqOf(PutRecordsRequestEntry rec) {
        try {
            return (int) FrameCodec.decode(rec.data().asByteArray()).getSequenceNumber();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ToLongFunction<PutRecordsRequestEntry> size() {
        return e -> e.data().asByteArray().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
    }

    private static long encodedSize(CameraFrame f) {
        try {
            return FrameCodec.encode(f).length + f.getCameraId().length();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
