package io.flexigpt.bench;

import io.flexigpt.compress.Baselines;
import io.flexigpt.compress.BlockInfluence;
import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.Extension;
import io.flexigpt.compress.FlexiGpt;
import io.flexigpt.compress.FlexiGptConfig;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.Recovery;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.eval.ProgressListener;
import io.flexigpt.eval.perplexity.PerplexityEvaluator;
import io.flexigpt.eval.perplexity.PerplexitySettings;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.eval.report.JsonReport;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Regenerates the README's compression and extension tables: trains (or reuses) the in-house teacher on
 * TinyStories with the stories260K tokenizer, then compresses stories260K and the teacher with every
 * method and ablation under one recovery budget and seed, and reports held-out perplexity on
 * {@code tinystories_val_head.txt} with parameter counts.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.flexigpt.bench.CompressionExperiment [workDir]</pre>
 *
 * Sizes come from system properties: {@code teacher.steps} (default 3000), {@code recovery.steps} (200),
 * {@code eval.chars} (held-out characters scored, 200000), {@code flexigpt.data} (../shared/data).
 */
public final class CompressionExperiment {
    static final int SEQ = 128, BATCH = 8;
    static final List<EvalResult> RESULTS = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Path data = Paths.get(System.getProperty("flexigpt.data", "../shared/data"));
        Path work = Paths.get(args.length > 0 ? args[0] : "experiments");
        Files.createDirectories(work);
        Path tokFile = data.resolve("models/stories260K/tok512.bin");
        Tokenizer tok = Llama2cTokenizer.load(tokFile);
        TokenDataset train = TokenDataset.load(data.resolve("text/tinystories/tinystories_train_head_2MiB.txt"), tok, tokFile, "<|endoftext|>", 0.02, work.resolve("cache"));
        String heldOut = Files.readString(data.resolve("text/tinystories/tinystories_val_head.txt"));
        heldOut = heldOut.substring(0, Math.min(heldOut.length(), Integer.getInteger("eval.chars", 200_000)));
        int recoverySteps = Integer.getInteger("recovery.steps", 200);
        TrainConfig recovery = new TrainConfig(recoverySteps, BATCH, SEQ, 1e-3, 1e-4, recoverySteps / 10, 0.0, 1.0, 0, 0, 0, 42);
        System.out.printf("recovery budget: %d steps x %d x %d = %d tokens, seed 42%n", recoverySteps, BATCH, SEQ, recoverySteps * (long) BATCH * SEQ);

        LlamaModel stories = LlamaModel.fromCheckpoint(Checkpoints.load(data.resolve("models/stories260K/stories260K.bin")));
        List<String> rows = new ArrayList<>();
        rows.addAll(table("stories260K", stories, 0.4, train, tok, heldOut, recovery));

        LlamaModel teacher = teacher(work, train);
        rows.addAll(table("teacher", teacher, 0.3, train, tok, heldOut, recovery));
        rows.addAll(table("teacher", teacher, 0.4, train, tok, heldOut, recovery));
        rows.addAll(extension(teacher, train, tok, heldOut, recovery));
        String md = "| model | rate | method | blocks | stored params | trainable | held-out ppl |\n|---|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n";
        Files.writeString(work.resolve("results.md"), md);
        JsonReport.write(work.resolve("results.json"), RESULTS);
        HtmlReport.write(work.resolve("report.html"), "FlexiGPT compression on TinyStories", RESULTS);
        System.out.println(md);
    }

    /** The in-house teacher: dim 128, 8 blocks, trained on the TinyStories train head; cached in {@code work}. */
    static LlamaModel teacher(Path work, TokenDataset train) throws IOException {
        Path dir = work.resolve("teacher");
        if (Files.exists(dir.resolve("config.json"))) return LlamaModel.fromCheckpoint(HfCheckpoint.read(dir));
        LlamaConfig cfg = new LlamaConfig(128, 8, 4, 4, 344, 512, 256, 10000f, 1e-5f, true, RopeLayout.ROTATE_HALF);
        LlamaModel model = LlamaModel.random(cfg, 2025);
        int steps = Integer.getInteger("teacher.steps", 3000);
        TrainConfig tc = new TrainConfig(steps, 16, SEQ, 2e-3, 2e-4, steps / 20, 0.1, 1.0, steps / 10, 64, 250, 7);
        long t0 = System.nanoTime();
        new Trainer(model, train, tc, LossFunction.crossEntropy(), work.resolve("teacher-train.safetensors"), new io.flexigpt.nn.train.TrainingListener() {
            @Override
            public void onEval(int step, double loss) {
                System.out.printf("teacher step %d held-out loss %.4f (%.0f s)%n", step, loss, (System.nanoTime() - t0) / 1e9);
            }
        }).run();
        HfCheckpoint.write(dir, model.toCheckpoint(), StoredType.F32);
        return model;
    }

    static double ppl(LlamaModel model, Tokenizer tok, String text) {
        LlamaScoringModel scoring = new LlamaScoringModel(model, tok, SEQ);
        return new PerplexityEvaluator(scoring, PerplexitySettings.nonOverlapping(SEQ, 16)).evaluate(List.of(text), ProgressListener.NONE).tokenPerplexity();
    }

    static String row(String name, double rate, String method, LlamaModel m, Tokenizer tok, String heldOut) {
        ParameterAccount acc = ParameterAccount.of(m);
        double ppl = ppl(m, tok, heldOut);
        RESULTS.add(new EvalResult(name, "tinystories_val_head", "token_perplexity", ppl, Double.NaN, 0,
                Map.of(HtmlReport.METHOD, method, HtmlReport.COMPRESSION_RATE, rate, "stored_parameters", acc.stored(), "context", SEQ)));
        String r = String.format("| %s | %.0f%% | %s | %d | %,d | %,d | %.3f |", name, rate * 100, method, m.blocks().size(), acc.stored(), acc.trainable(), ppl);
        System.out.println(r);
        return r;
    }

    static List<String> table(String name, LlamaModel teacher, double rate, TokenDataset train, Tokenizer tok, String heldOut, TrainConfig recovery) throws IOException {
        List<String> rows = new ArrayList<>();
        CalibrationData calib = CalibrationData.sample(train.train(), 32, SEQ, 8, 11);
        double[] bi = new BlockInfluence().score(teacher, calib);
        rows.add(row(name, 0, "teacher", teacher, tok, heldOut));
        RankSpec rank = RankSpec.of(8);
        CompressionResult flexi = recover(teacher, FlexiGpt.compress(teacher, bi, calib, FlexiGptConfig.standard(rate, rank)), train, recovery);
        printSources(flexi);
        long budget = flexi.model().trainableParameterCount();
        rows.add(row(name, rate, "ShortGPT (drop)", Baselines.shortGpt(teacher, bi, rate, true, true).model(), tok, heldOut));
        rows.add(row(name, rate, "SLEB", Baselines.sleb(teacher, calib, rate).model(), tok, heldOut));
        rows.add(row(name, rate, "drop + LoRA", recover(teacher, Baselines.dropLora(teacher, bi, rate, true, true, budget, 5), train, recovery).model(), tok, heldOut));
        rows.add(row(name, rate, "FlexiGPT", flexi.model(), tok, heldOut));
        FlexiGptConfig base = FlexiGptConfig.standard(rate, rank);
        rows.add(row(name, rate, "ablation: random source", recover(teacher, FlexiGpt.compress(teacher, bi, calib, base.withSourceSelection(FlexiGptConfig.SourceSelection.RANDOM)), train, recovery).model(), tok, heldOut));
        rows.add(row(name, rate, "ablation: LoRA init", recover(teacher, FlexiGpt.compress(teacher, bi, calib, base.withInit(FlexiGptConfig.AdapterInit.LORA)), train, recovery).model(), tok, heldOut));
        rows.add(row(name, rate, "ablation: no output scales", recover(teacher, FlexiGpt.compress(teacher, bi, calib, base.withOutputScales(false)), train, recovery).model(), tok, heldOut));
        rows.add(row(name, rate, "ablation: no sharing", recover(teacher, FlexiGpt.compress(teacher, bi, calib, base.withSharing(false)), train, recovery).model(), tok, heldOut));
        return rows;
    }

    static void printSources(CompressionResult r) {
        for (int k = 0; k < r.plan().pruned().length; k++) {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < r.sourceErrors()[k].length; s++) {
                if (!Double.isNaN(r.sourceErrors()[k][s])) sb.append(String.format(" s=%d:%.3f", s, r.sourceErrors()[k][s]));
            }
            System.out.printf("pruned block %d -> source %d; E(p,s):%s; no sharing %.3f%n", r.plan().pruned()[k], r.sources().get(r.plan().pruned()[k]), sb, r.noSharingErrors()[k]);
        }
    }

    static CompressionResult recover(LlamaModel teacher, CompressionResult r, TokenDataset train, TrainConfig recovery) throws IOException {
        Recovery.train(teacher, r.model(), train, recovery, 1.0, 1.0, null, null);
        return r;
    }

    /** The teacher grown by 25% more shared blocks and trained on N tokens, against the teacher trained on the same N tokens. */
    static List<String> extension(LlamaModel teacher, TokenDataset train, Tokenizer tok, String heldOut, TrainConfig budget) throws IOException {
        List<String> rows = new ArrayList<>();
        int blocks = teacher.blocks().size(), extra = Math.max(1, blocks / 4);
        LlamaModel grown = Extension.extend(teacher, Extension.evenlySpaced(blocks, extra), RankSpec.of(8), 3);
        TrainConfig cfg = new TrainConfig(budget.steps(), budget.batchSize(), budget.seqLen(), 1e-3, 1e-4, budget.warmupSteps(), 0.0, 1.0, 0, 0, 0, 43);
        new Trainer(grown, train, cfg, LossFunction.crossEntropy(), null, null).run();
        Map<String, io.flexigpt.tensor.Tensor> weights = new java.util.LinkedHashMap<>();
        teacher.stateDict().forEach((name, t) -> weights.put(name, t.copy())); // trained in full: its own weights, not the teacher's
        LlamaModel continued = LlamaModel.fromWeights(teacher.config(), weights);
        new Trainer(continued, train, cfg, LossFunction.crossEntropy(), null, null).run();
        rows.add(row("teacher", 0, "extension: +" + extra + " shared blocks, trained", grown, tok, heldOut));
        rows.add(row("teacher", 0, "extension: teacher trained on the same tokens", continued, tok, heldOut));
        return rows;
    }
}
