package io.flexigpt.bench;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.autograd.optim.AdamW;
import io.flexigpt.autograd.optim.LrSchedule;
import io.flexigpt.autograd.optim.ParamGroup;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Parallelism;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One training step of a whole model: dim 256, 8 blocks (8 heads, hidden 688), vocabulary 512, a batch
 * of 4 sequences of 256 tokens: forward, cross-entropy, backward and an AdamW update.
 * Report: tokens/s = 1024 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingBenchmark {
    static final int BATCH = 4, SEQ = 256, VOCAB = 512;

    @Param({"1", "2"})
    int threads;

    LlamaModel model;
    AdamW optimizer;
    int[][] inputs;
    int[] targets;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        LlamaConfig config = LlamaConfig.builder()
                .dim(256)
                .layers(8)
                .heads(8)
                .hiddenDim(688)
                .vocabSize(VOCAB)
                .maxSeqLen(SEQ)
                .tiedEmbeddings(true)
                .build();
        model = LlamaModel.random(config, 1);
        optimizer = new AdamW(List.of(ParamGroup.of(model.parameters(), 0.01)), LrSchedule.constant(1e-4));
        inputs = new int[BATCH][SEQ];
        targets = new int[BATCH * SEQ];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < SEQ; t++) {
                inputs[b][t] = (b * 131 + t * 17) % VOCAB;
                targets[b * SEQ + t] = (b * 131 + t * 17 + 5) % VOCAB;
            }
        }
    }

    @Benchmark
    public double trainStep() {
        optimizer.zeroGrad();
        Variable logits = model.forward(inputs);
        Variable loss = Functions.crossEntropy(logits.reshape(-1, VOCAB), targets);
        loss.backward();
        optimizer.step();
        return loss.value().item();
    }
}
