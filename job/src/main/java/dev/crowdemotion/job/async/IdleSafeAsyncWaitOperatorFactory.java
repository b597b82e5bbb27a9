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

    /**
     * @param timeoutMs time after which an element's {@code timeout} callback runs, ms
     * @param capacity elements in flight per parallel instance
     */
    public IdleSafeAsyncWaitOperatorFactory(AsyncFunction<IN, OUT> function, long timeoutMs, int capacity,
                                            AsyncDataStream.OutputMode outputMode) {
        super(function, timeoutMs, capacity, outputMode);
        this.function = function;
        this.timeoutMs = timeoutMs;
        this.capacity = capacity;
        this.outputMode = outputMode;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<OUT>> T createStreamOperator(StreamOperatorParameters<OUT> parameters) {
        IdleSafeAsyncWaitOperator<IN, OUT> op = new IdleSafeAsyncWaitOperator<>(function, timeoutMs, capacity, outputMode,
                AsyncRetryStrategies.NO_RETRY_STRATEGY, processingTimeService, getMailboxExecutor());
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
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> unorderedWait(DataStream<IN> in, AsyncFunction<IN, OUT> function,
                                                                          long timeoutMs, int capacity,
                                                                          TypeInformation<OUT> outType, String name) {
        return in.transform(name, outType, new IdleSafeAsyncWaitOperatorFactory<>(in.getExecutionEnvironment().clean(function),
                timeoutMs, capacity, AsyncDataStream.OutputMode.UNORDERED));
    }
}
