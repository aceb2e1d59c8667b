package io.flexigpt.bench;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Forward + backward of one Llama block (dim 256, 8 heads, hidden 688) on a batch of one 256-token
 * sequence, the unit of work of recovery training. Report: tokens/s = 256 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BlockTrainingBenchmark {
    @Param({"1", "2"})
    int threads;

    TransformerBlock block;
    Variable input;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        LlamaConfig config = LlamaConfig.builder()
                .dim(256)
                .layers(1)
                .heads(8)
                .hiddenDim(688)
                .vocabSize(512)
                .maxSeqLen(256)
                .tiedEmbeddings(true)
                .build();
        block = LlamaModel.random(config, 1).blocks().get(0);
        input = Variable.parameter(new Rng(2).normal(0, 1, 1, 256, 256));
    }

    @Benchmark
    public Object forwardBackward() {
        input.zeroGrad();
        for (Variable p : block.parameters()) p.zeroGrad();
        Variable out = block.forward(input, 0, null);
        out.square().mean().backward();
        return input.grad();
    }
}
