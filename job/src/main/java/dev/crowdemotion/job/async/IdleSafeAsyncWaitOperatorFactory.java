package dev.crowdemotion.job.async;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;


/**
 * Builds {@link IdleSafeAsyncWaitOperator}s; {@link #unorderedWait} is the drop-in for
 * {@code AsyncDataStream.unorderedWait} (no Flink-level retries: the job's callers retry).
 */
public class IdleSafeAsyncWaitOperatorFactory<IN, OUT> extends AsyncWaitOperatorFactory<IN, OUT> {
    private static final long serialVersionUID = 1L;

    private final AsyncFunction<IN, OUT> function;
    private final long timeoutMs;
    private final int capacity;
    private final AsyncDataStream.OutputMode outputMode;
    private final boolean forwardIdle;

    /**
     * @param timeoutMs time after which an element's {@code timeout} callback runs, ms
     * @param capacity elements in flight per parallel instance
     * @param forwardIdle see {@link IdleSafeAsyncWaitOperator}
     */
    public IdleSafeAsyncWaitOperatorFactory(AsyncFunction<IN, OUT> function, long timeoutMs, int capacity,
                                            AsyncDataStream.OutputMode outputMode, boolean forwardIdle) {
        super(function, timeoutMs, capacity, outputMode);
        this.function = function;
        this.timeoutMs = timeoutMs;
        this.capacity = capacity;
        this.outputMode = outputMode;
        this.forwardIdle = forwardIdle;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<OUT>> T createStreamOperator(StreamOperatorParameters<OUT> parameters) {
        IdleSafeAsyncWaitOperator<IN, OUT> op = new IdleSafeAsyncWaitOperator<>(function, timeoutMs, capacity, outputMode,
                AsyncRetryStrategies.NO_RETRY_STRATEGY, processingTimeService, getMailboxExecutor(), forwardIdle);
        op.setup(parameters.getContainingTask(), parameters.getStreamConfig(), parameters.getOutput());
        return (T) op;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return IdleSafeAsyncWaitOperator.class;
    }

    /**
     * Like {@code AsyncDataStream.unorderedWait(in, function, timeoutMs, MILLISECONDS, capacity)},
     * with the operator above.
     *
     * @param outType type of the function's results
     * @param forwardIdle {@code true} where the output is the only path downstream (an idle source
     *     instance must be able to announce it); {@code false} behind a {@code keyBy} when a
     *     faster path from the same upstream operator joins the output later
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> unorderedWait(DataStream<IN> in, AsyncFunction<IN, OUT> function,
                                                                          long timeoutMs, int capacity,
                                                                          TypeInformation<OUT> outType, String name,
                                                                          boolean forwardIdle) {
        return in.transform(name, outType, new IdleSafeAsyncWaitOperatorFactory<>(in.getExecutionEnvironment().clean(function),
                timeoutMs, capacity, AsyncDataStream.OutputMode.UNORDERED, forwardIdle));
    }
}
