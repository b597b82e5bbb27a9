package dev.crowdemotion.setup;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.CreateStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DeleteStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DeleteStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.util.HashMap;
import java.util.Map;

/** In-memory Kinesis control plane: streams go CREATING -> ACTIVE and DELETING -> gone after a few describes. */
class FakeKinesis implements KinesisClient {
    static final int TRANSITION_DESCRIBES = 2;

    static final class Stream {
        StreamStatus status = StreamStatus.CREATING;
        int shards;
        int describesLeft = TRANSITION_DESCRIBES;
    }

    final Map<String, Stream> streams = new HashMap<>();
    int createCalls;
    int deleteCalls;

    @Override
    public synchronized CreateStreamResponse createStream(CreateStreamRequest r) {
        createCalls++;
        if (streams.containsKey(r.streamName())) {
            throw ResourceInUseException.builder().message("Stream " + r.streamName() + " exists").build();
        }
        Stream s = new Stream();
        s.shards = r.shardCount();
        streams.put(r.streamName(), s);
        return CreateStreamResponse.builder().build();
    }

    @Override
    public synchronized DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r) {
        Stream s = streams.get(r.streamName());
        if (s == null) {
            throw ResourceNotFoundException.builder().message("Stream " + r.streamName() + " not found").build();
        }
        if (s.status != StreamStatus.ACTIVE && --s.describesLeft <= 0) {
            if (s.status == StreamStatus.DELETING) {
                streams.remove(r.streamName());
                throw ResourceNotFoundException.builder().message("Stream " + r.streamName() + " not found").build();
            }
            s.status = StreamStatus.ACTIVE;
        }
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(StreamDescriptionSummary.builder()
                .streamName(r.streamName()).streamARN(arn(r.streamName())).streamStatus(s.status)
                .openShardCount(s.shards).build()).build();
    }

    @Override
    public synchronized DeleteStreamResponse deleteStream(DeleteStreamRequest r) {
        deleteCalls++;
        Stream s = streams.get(r.streamName());
        if (s == null) {
            throw ResourceNotFoundException.builder().message("Stream " + r.streamName() + " not found").build();
        }
        if (s.status != StreamStatus.ACTIVE) {
            throw ResourceInUseException.builder().message("Stream " + r.streamName() + " is " + s.status).build();
        }
        s.status = StreamStatus.DELETING;
        s.describesLeft = TRANSITION_DESCRIBES;
        return DeleteStreamResponse.builder().build();
    }

    static String arn(String name) {
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {}
}
