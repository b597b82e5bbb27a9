package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;
import dev.crowdemotion.frame.FrameCodec;
import dev.crowdemotion.frame.FrameFormatException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A KinesisClient whose PutRecords stores the records; {@link #errors} decides, per call number
 * and record, an ErrorCode to return instead (null = accept).
 */
class FakeKinesis implements KinesisClient {
    final List<PutRecordsRequest> calls = new ArrayList<>();
    final List<PutRecordsRequestEntry> accepted = new ArrayList<>();
    /** (call index from 0, record) -> error code or null. */
    BiFunction<Integer, PutRecordsRequestEntry, String> errors = (call, rec) -> null;
    boolean closed;

    @Override
    public synchronized PutRecordsResponse putRecords(PutRecordsRequest request) {
        int call = calls.size();
        calls.add(request);
        List<PutRecordsResultEntry> results = new ArrayList<>();
        int failed = 0;
        for (PutRecordsRequestEntry e : request.records()) {
            String code = errors.apply(call, e);
            if (code == null) {
                accepted.add(e);
                results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                        .sequenceNumber(Integer.toString(accepted.size())).build());
            } else {
                failed++;
                results.add(PutRecordsResultEntry.builder().errorCode(code).errorMessage("simulated " + code).build());
            }
        }
        return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
    }

    synchronized List<CameraFrame> acceptedFrames() {
        List<CameraFrame> out = new ArrayList<>();
        for (PutRecordsRequestEntry e : accepted) {
            try {
                out.add(FrameCodec.decode(e.data().asByteArray()));
            } catch (FrameFormatException ex) {
                throw new AssertionError(ex);
            }
        }
        return out;
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
        closed = true;
    }
}
