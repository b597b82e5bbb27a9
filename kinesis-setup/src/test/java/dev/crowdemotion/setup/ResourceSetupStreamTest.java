package dev.crowdemotion.setup;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceSetupStreamTest {
    private final FakeKinesis kinesis = new FakeKinesis();
    private final ResourceSetup setup = new ResourceSetup(kinesis, null, Duration.ZERO, Duration.ofSeconds(5));

    @Test
    void createsStreamWaitsUntilActiveAndIsIdempotent() {
        ProvisionedResource first = setup.ensureStream("frames", 2);
        assertThat(first.created()).isTrue();
        assertThat(first.arn()).isEqualTo(FakeKinesis.arn("frames"));
        assertThat(kinesis.streams.get("frames").status.toString()).isEqualTo("ACTIVE");
        assertThat(kinesis.streams.get("frames").shards).isEqualTo(2);

        ProvisionedResource again = setup.ensureStream("frames", 3);
        assertThat(again.created()).isFalse();
        assertThat(again.arn()).isEqualTo(first.arn());
        assertThat(kinesis.streams.get("frames").shards).as("existing stream left as it is").isEqualTo(2);
        assertThat(setup.createStream("frames", 1)).isEqualTo(first.arn());
    }

    @Test
    void deleteWaitsUntilGoneAndIgnoresMissing() {
        setup.createStream("frames", 1);
        assertThat(setup.deleteStream("frames")).isTrue();
        assertThat(kinesis.streams).doesNotContainKey("frames");
        assertThat(setup.describeStream("frames")).isNull();
        assertThat(setup.deleteStream("frames")).isFalse();
        // and it can be created again right away
        assertThat(setup.ensureStream("frames", 1).created()).isTrue();
    }

    @Test
    void deleteOfAStreamStillCreatingWaitsForIt() {
        kinesis.createStream(b -> b.streamName("young").shardCount(1));
        assertThat(setup.deleteStream("young")).isTrue();
        assertThat(kinesis.streams).isEmpty();
    }

    @Test
    void timesOutWhenTheStreamNeverBecomesActive() {
        ResourceSetup impatient = new ResourceSetup(new FakeKinesis() {
            @Override
            public synchronized software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse
                    describeStreamSummary(software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest r) {
                if (streams.containsKey(r.streamName())) streams.get(r.streamName()).describesLeft = 100;
                return super.describeStreamSummary(r);
            }
        }, null, Duration.ofMillis(10), Duration.ofMillis(100));
        assertThatThrownBy(() -> impatient.createStream("slow", 1))
                .isInstanceOf(ResourceSetup.SetupTimeoutException.class).hasMessageContaining("slow");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> setup.createStream("s", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> setup.createStream(" ", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceSetup(null, null).createTable("t")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("DynamoDbClient");
    }
}
