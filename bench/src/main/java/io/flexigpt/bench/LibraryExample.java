package io.flexigpt.bench;

import io.flexigpt.compress.BlockInfluence;
import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressedModels;
import io.flexigpt.compress.CompressionMethod;
import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.Recovery;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.compress.TextSplit;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.nn.train.TokenDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's library example, compiled with the build so it stays true: load a model, generate, compress
 * with FlexiGPT, recover and save. Arguments: a model directory or file, a text file, an output directory.
 */
public final class LibraryExample {
    private LibraryExample() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        LlamaModel model = LlamaModel.fromCheckpoint(Checkpoints.load(dir));
        Tokenizer tok = Tokenizers.load(dir);
        int[] prompt = tok.encode("Once upon a time", tok.addsBos(), false);
        int[] story = new Generator(model).generate(prompt, 32, SamplingConfig.greedy(), tok.eosIds(), id -> true);
        System.out.println(tok.decode(story));

        TokenDataset data = TextSplit.of(Files.readString(Path.of(args[1]))).recoveryData(tok);
        CalibrationData calibration = CalibrationData.sample(data.train(), 32, 128, 8, 11);
        double[] importance = new BlockInfluence().score(model, calibration);
        CompressionResult small = CompressionMethod.FLEXIGPT.apply(
                model, importance, calibration, 0.3, RankSpec.of(8), CompressionMethod.DEFAULT_SEED);
        RecoverySettings recovery =
                RecoverySettings.ofTokens(RecoverySettings.DEFAULT_TOKENS, 8, 128, RecoverySettings.DEFAULT_LR, 42);
        Recovery.trainer(small.model(), data, recovery, Recovery.distillation(model, 1, 1), null, null)
                .run();
        CompressedModels.save(Path.of(args[2]), small.model(), "flexigpt");
    }
}
