package io.flexigpt.cli;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.tensor.io.StoredType;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flexigpt train}: pretrains a small Llama model. Progress is checkpointed in the output directory, so an
 * interrupted run (Ctrl-C) continues where it stopped when started again with the same arguments and {@code --resume}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Pretrain a small Llama model on a text file (resumable).")
final class TrainCommand implements Callable<Integer> {
    @Option(
            names = "--text",
            required = true,
            description = "Training text; documents separated by blank lines (10%% held out).")
    Path text;

    @Option(names = "--tokenizer", required = true, description = "Tokenizer file (tokenizer.json or llama2.c .bin).")
    Path tokenizer;

    @Option(names = "--dim", defaultValue = "128", description = "Model width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--layers", defaultValue = "8", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "0", description = "Key/value heads (default: --heads).")
    int kvHeads;

    @Option(names = "--hidden", defaultValue = "0", description = "Feed-forward width (default: about 8/3 dim).")
    int hidden;

    @Option(
            names = "--seq",
            defaultValue = "128",
            description = "Tokens per training window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--steps",
            defaultValue = "1000",
            description = "Optimiser steps in all (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--lr",
            defaultValue = "2e-3",
            description = "Peak learning rate, warm-up then cosine to lr/10 (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--seed",
            defaultValue = "2025",
            description = "Initialisation and sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--out",
            required = true,
            description = "Directory for the model (Hugging Face layout, in OUT/model) and the training checkpoint.")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue from the training checkpoint in --out (after Ctrl-C, or with more --steps).")
    boolean resume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
        Tokenizer tok = Tokenizers.load(tokenizer);
        int kv = kvHeads > 0 ? kvHeads : heads;
        int hid = hidden > 0 ? hidden : (int) Math.round(dim * 8 / 3.0 / 8) * 8;
        LlamaConfig cfg = LlamaConfig.builder()
                .dim(dim)
                .layers(layers)
                .heads(heads)
                .kvHeads(kv)
                .hiddenDim(hid)
                .vocabSize(tok.vocabSize())
                .maxSeqLen(Math.max(seq, 256))
                .tiedEmbeddings(true)
                .build();
        TrainConfig config = TrainConfig.builder()
                .steps(steps)
                .batchSize(batch)
                .seqLen(seq)
                .lr(lr)
                .minLr(lr / 10)
                .warmupSteps(Math.max(1, steps / 20))
                .weightDecay(0.1)
                .evalEvery(Math.max(1, steps / 10))
                .evalWindows(64)
                .checkpointEvery(Math.max(10, steps / 20))
                .seed(seed)
                .build();
        Path checkpoint = out.resolve("training.safetensors");
        if (!resume && Files.exists(checkpoint)) {
            String what = Files.exists(out.resolve("model").resolve("config.json"))
                    ? "holds a finished training run (its model is in " + out.resolve("model")
                            + "); pass --resume with more --steps to train it further, or choose another --out"
                    : "holds the checkpoint of an unfinished training run; pass --resume to continue it, or choose another --out";
            throw new FileAlreadyExistsException(out.toString(), null, what);
        }
        if (resume && !Files.exists(checkpoint))
            throw new NoSuchFileException(checkpoint.toString(), null, "no training checkpoint to resume from");
        Files.createDirectories(out);
        TokenDataset data = TokenDataset.load(text, tok, tokenizer, null, 0.1, out.resolve("cache"));
        LlamaModel model = LlamaModel.random(cfg, seed);
        PrintWriter err = spec.commandLine().getErr();
        Trainer trainer = new Trainer(
                model, data, config, LossFunction.crossEntropy(), checkpoint, Progress.training(err, "train"));
        TrainResult r = Interrupts.run(trainer, err, "run the same command with --resume to continue");
        PrintWriter o = spec.commandLine().getOut();
        HfCheckpoint.write(out.resolve("model"), model.toCheckpoint(), StoredType.F32);
        Path beside = out.resolve("model")
                .resolve(
                        Tokenizers.file(tokenizer).getFileName().toString().endsWith(".json")
                                ? "tokenizer.json"
                                : "tokenizer.bin");
        Files.deleteIfExists(beside);
        ModelLoading.copyTokenizer(Tokenizers.file(tokenizer), out.resolve("model"));
        o.printf(
                "trained %d steps (%.0f tokens/s); held-out loss %s; model in %s%n",
                r.endStep() - r.startStep(),
                r.tokensPerSecond(),
                r.heldOutLosses().isEmpty()
                        ? "n/a"
                        : String.format(
                                "%.4f", r.heldOutLosses().get(r.heldOutLosses().size() - 1)[1]),
                out.resolve("model"));
        o.flush();
        return 0;
    }
}
