package io.flexigpt.cli;

import io.flexigpt.compress.CompressedModels;
import io.flexigpt.compress.Extension;
import io.flexigpt.compress.HeldOutText;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flexigpt extend}: grow a model by shared blocks (starting as the same function) and train them. */
@Command(
        name = "extend",
        mixinStandardHelpOptions = true,
        description = "Grow a model by N weight-shared blocks and train their adapters.")
final class ExtendCommand implements Callable<Integer> {
    @Mixin
    ModelOptions models;

    @Option(names = "--text", required = true, description = "Training text (last 10%% of documents held out).")
    Path text;

    @Option(names = "--blocks", defaultValue = "1", description = "Blocks to add (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank (default: ${DEFAULT-VALUE}).")
    String rank;

    @Option(names = "--tokens", defaultValue = "100000", description = "Training tokens (default: ${DEFAULT-VALUE}).")
    long tokens;

    @Option(
            names = "--lr",
            defaultValue = "" + RecoverySettings.DEFAULT_LR,
            description = "Peak learning rate of the new blocks' adapters (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--out", required = true, description = "Directory for the grown model (must not exist).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text)) throw new NoSuchFileException(text.toString(), null, "no such text file");
        if (blocks < 1) throw new IllegalArgumentException("--blocks must be at least 1, got " + blocks);
        if (tokens < 1) throw new IllegalArgumentException("--tokens must be at least 1, got " + tokens);
        if (seq < 2) throw new IllegalArgumentException("--seq must be at least 2, got " + seq);
        ModelLoading m = models.load();
        try (OutputDirectory dir = new OutputDirectory(out)) {
            int seqLen = Math.min(seq, m.model().config().maxSeqLen());
            TokenDataset data = TokenDataset.encode(Files.readString(text), m.tokenizer(), null, 0.1);
            LlamaModel grown = Extension.extend(
                    m.model(), Extension.evenlySpaced(m.model().blocks().size(), blocks), RankSpec.parse(rank), 3);
            RecoverySettings training = RecoverySettings.ofTokens(Math.max(tokens, 8L * seqLen), 8, seqLen, lr, 43);
            PrintWriter err = spec.commandLine().getErr();
            Path checkpoint =
                    ResumeFiles.checkpointBeside(out, models.model, m, text, blocks, rank, tokens, seqLen, lr);
            err.printf(
                    Locale.ROOT,
                    "training the new blocks: %d steps x %d x %d = %,d tokens, peak lr %.3g, cross-entropy%n",
                    training.steps(),
                    training.batch(),
                    seqLen,
                    training.tokens(),
                    lr);
            Interrupts.run(
                    new Trainer(
                            grown,
                            data,
                            training.trainConfig(0, 0),
                            LossFunction.crossEntropy(),
                            checkpoint,
                            Progress.training(err, "extension")),
                    err,
                    "run the same command again to resume");
            CompressedModels.save(dir.path(), grown, "extension", Progress.inMegabytes(err, "save"));
            m.copyTokenizerTo(dir.path());
            HeldOutText held =
                    new HeldOutText(m.tokenizer(), HeldOutText.lastDocuments(Files.readString(text), 0.1), seqLen);
            double before = held.perplexity(m.model());
            double after = held.perplexity(grown);
            dir.commit();
            Files.deleteIfExists(checkpoint);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(
                    "grew %d -> %d blocks; held-out perplexity %.3f -> %.3f; wrote %s%n",
                    m.model().blocks().size(), grown.blocks().size(), before, after, out);
            o.flush();
        }
        return 0;
    }
}
