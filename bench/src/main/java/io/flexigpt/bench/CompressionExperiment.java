package io.flexigpt.bench;

import io.flexigpt.compress.CompressionMethod;
import io.flexigpt.compress.CompressionPipeline;
import io.flexigpt.compress.Extension;
import io.flexigpt.compress.HeldOutText;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.compress.Protocol;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.compress.RecoverySettings;
import io.flexigpt.compress.TextSplit;
import io.flexigpt.eval.report.MarkdownTable;
import io.flexigpt.io.AtomicFiles;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Regenerates the README's compression and extension tables under the evaluation protocol
 * ({@link Protocol}): TinyStories training head split into recovery and validation documents, the
 * TinyStories validation head as test text; every trainable method's peak rate chosen on validation from
 * the same grid; several seeds per row, mean ± sd; stored, merged, trainable parameters, compute per token and
 * wall time per row. Models: stories260K, an in-house 8-block teacher and a 16-block one (trained here and
 * cached in the work directory). Finished runs are kept in {@code runs.tsv}, so a rerun resumes.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.flexigpt.bench.CompressionExperiment [workDir]</pre>
 *
 * System properties: {@code recovery.steps} (1000), {@code trial.steps} (200), {@code seeds} (3),
 * {@code teacher.steps} (3000), {@code deep.steps} (3000), {@code eval.chars} (test characters, 200000),
 * {@code only} (comma-separated section names to run: stories260K, teacher8, deep16, extension), {@code methods}
 * (comma-separated method ids, in that order; default all),
 * {@code flexigpt.data} (../shared/data).
 */
public final class CompressionExperiment {
    static final int SEQ = 128, BATCH = 8;
    static final RankSpec RANK = RankSpec.of(8);

    public static void main(String[] args) throws IOException {
        Path data = Paths.get(System.getProperty("flexigpt.data", "../shared/data"));
        Path work = Paths.get(args.length > 0 ? args[0] : "experiments");
        Files.createDirectories(work);
        Path tokFile = data.resolve("models/stories260K/tok512.bin");
        Tokenizer tok = Llama2cTokenizer.load(tokFile);
        String trainText = Files.readString(data.resolve("text/tinystories/tinystories_train_head_2MiB.txt"));
        String testText = Files.readString(data.resolve("text/tinystories/tinystories_val_head.txt"));
        testText = testText.substring(0, Math.min(testText.length(), Integer.getInteger("eval.chars", 200_000)));
        TextSplit split = TextSplit.withTestText(trainText, TextSplit.END_OF_TEXT, testText);
        TokenDataset recoveryData = split.recoveryData(tok);
        int steps = Integer.getInteger("recovery.steps", 1000);
        Protocol.Settings protocol = new Protocol.Settings(
                new RecoverySettings(steps, BATCH, SEQ, RecoverySettings.DEFAULT_LR, 0),
                RecoverySettings.LR_GRID,
                Integer.getInteger("trial.steps", 200),
                Integer.getInteger("seeds", 3),
                SEQ);
        String only = System.getProperty("only", "stories260K,teacher8,deep16,extension");
        System.out.printf(
                Locale.ROOT,
                "protocol: %d train / %d validation documents, test = first %,d characters of tinystories_val_head;%n"
                        + "recovery %d steps x %d x %d per seed, %d seeds, peak lr from %s on validation (%d-step trials)%n",
                split.train().size(),
                split.validation().size(),
                testText.length(),
                steps,
                BATCH,
                SEQ,
                protocol.seeds(),
                java.util.Arrays.toString(protocol.grid()),
                protocol.trialSteps());
        Protocol.RunStore store = new TsvStore(work.resolve("runs.tsv"));
        MarkdownTable md = new MarkdownTable()
                .left("model")
                .right("pruned")
                .left("method")
                .right("peak lr")
                .right("test ppl (mean ± sd)")
                .right("seeds")
                .right("stored")
                .right("stored, merged")
                .right("trainable")
                .right("compute/token")
                .right("s/run");
        long t0 = System.nanoTime();
        LlamaModel stories =
                LlamaModel.fromCheckpoint(Checkpoints.load(data.resolve("models/stories260K/stories260K.bin")));
        if (only.contains("stories260K"))
            section(md, "stories260K", stories, 0.4, recoveryData, split, tok, protocol, store);
        if (only.contains("teacher8") || only.contains("extension")) {
            LlamaModel teacher8 =
                    teacher(work.resolve("teacher"), 8, Integer.getInteger("teacher.steps", 3000), recoveryData);
            if (only.contains("teacher8")) {
                section(md, "teacher8", teacher8, 0.25, recoveryData, split, tok, protocol, store);
                section(md, "teacher8", teacher8, 0.375, recoveryData, split, tok, protocol, store);
            }
            if (only.contains("extension")) extension(md, teacher8, recoveryData, split, tok, protocol, store);
        }
        if (only.contains("deep16")) {
            LlamaModel deep =
                    teacher(work.resolve("teacher-deep16"), 16, Integer.getInteger("deep.steps", 3000), recoveryData);
            section(md, "deep16", deep, 0.25, recoveryData, split, tok, protocol, store);
            section(md, "deep16", deep, 0.5, recoveryData, split, tok, protocol, store);
        }
        String table = md.toString();
        AtomicFiles.write(work.resolve("results.md"), table.getBytes(StandardCharsets.UTF_8));
        System.out.println(table);
        System.out.printf(Locale.ROOT, "%.0f s in all%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Every method at one rate on one model, as rows of {@code md}. */
    static void section(
            MarkdownTable md,
            String name,
            LlamaModel teacher,
            double rate,
            TokenDataset data,
            TextSplit split,
            Tokenizer tok,
            Protocol.Settings protocol,
            Protocol.RunStore store)
            throws IOException {
        CompressionPipeline pipeline =
                CompressionPipeline.prepare(teacher, data, 32, new HeldOutText(tok, split.test(), SEQ));
        String key = name + "@" + rate;
        row(
                md,
                name,
                Protocol.evaluate(
                        key,
                        new Protocol.Candidate("teacher", 0, seed -> teacher, null),
                        data,
                        split.test(),
                        tok,
                        protocol,
                        store));
        for (CompressionMethod m : methods()) {
            row(
                    md,
                    name,
                    Protocol.evaluate(
                            key,
                            Protocol.Candidate.of(pipeline, m, rate, RANK),
                            data,
                            split.test(),
                            tok,
                            protocol,
                            store));
        }
    }

    /** The methods of the {@code methods} property (ids, comma-separated, in the order given), or all of them. */
    static List<CompressionMethod> methods() {
        String ids = System.getProperty("methods");
        if (ids == null) return List.of(CompressionMethod.values());
        List<CompressionMethod> out = new ArrayList<>();
        for (String id : ids.split(",")) out.add(CompressionMethod.byId(id.strip()));
        return out;
    }

    /** The 8-block teacher grown by 25% more shared blocks, against the teacher trained on the same tokens; both on cross-entropy, both tuned. */
    static void extension(
            MarkdownTable md,
            LlamaModel teacher,
            TokenDataset data,
            TextSplit split,
            Tokenizer tok,
            Protocol.Settings protocol,
            Protocol.RunStore store)
            throws IOException {
        int blocks = teacher.blocks().size(), extra = Math.max(1, blocks / 4);
        int[] after = Extension.evenlySpaced(blocks, extra);
        row(
                md,
                "teacher8",
                Protocol.evaluate(
                        "extension",
                        new Protocol.Candidate(
                                "extension: +" + extra + " shared blocks",
                                0,
                                seed -> Extension.extend(teacher, after, RANK, seed),
                                LossFunction.crossEntropy()),
                        data,
                        split.test(),
                        tok,
                        protocol,
                        store));
        row(
                md,
                "teacher8",
                Protocol.evaluate(
                        "extension",
                        new Protocol.Candidate(
                                "continued training of the teacher",
                                0,
                                seed -> ownCopy(teacher),
                                LossFunction.crossEntropy()),
                        data,
                        split.test(),
                        tok,
                        protocol,
                        store));
    }

    /** A trainable model with copies of all of {@code teacher}'s weights (training it leaves the teacher alone). */
    static LlamaModel ownCopy(LlamaModel teacher) {
        Map<String, io.flexigpt.tensor.Tensor> weights = new LinkedHashMap<>();
        teacher.stateDict().forEach((k, v) -> weights.put(k, v.copy()));
        LlamaModel m = LlamaModel.fromWeights(teacher.config(), weights);
        m.unfreeze();
        return m;
    }

    /** Adds {@code r} to {@code md} and prints it. */
    static void row(MarkdownTable md, String model, Protocol.Row r) {
        ParameterAccount a = r.account();
        String merged = r.label().startsWith("drop + LoRA")
                ? String.format(Locale.ROOT, "%,d", a.stored() - a.adapters())
                : "—";
        String lr = Double.isNaN(r.lr()) ? "—" : String.format(Locale.ROOT, "%.0e", r.lr());
        System.out.println(md.row(
                model,
                String.format(Locale.ROOT, "%.1f%%", 100 * r.blockFraction()),
                r.label(),
                lr,
                String.format(Locale.ROOT, "%.3f ± %.3f", r.mean(), r.sd()),
                r.runs().size(),
                String.format(Locale.ROOT, "%,d", a.stored()),
                merged,
                String.format(Locale.ROOT, "%,d", a.trainable()),
                String.format(Locale.ROOT, "%,d", a.computePerToken()),
                String.format(Locale.ROOT, "%.0f", r.meanSeconds())));
    }

    /** An in-house teacher of dim 128 with {@code layers} blocks trained on the recovery documents; cached in {@code dir}. */
    static LlamaModel teacher(Path dir, int layers, int steps, TokenDataset train) throws IOException {
        if (Files.exists(dir.resolve("config.json"))) return LlamaModel.fromCheckpoint(HfCheckpoint.read(dir));
        LlamaConfig cfg = LlamaConfig.builder()
                .dim(128)
                .layers(layers)
                .heads(4)
                .hiddenDim(344)
                .vocabSize(512)
                .maxSeqLen(256)
                .tiedEmbeddings(true)
                .build();
        LlamaModel model = LlamaModel.random(cfg, 2025);
        TrainConfig tc = TrainConfig.builder()
                .steps(steps)
                .batchSize(16)
                .seqLen(SEQ)
                .lr(2e-3)
                .minLr(2e-4)
                .warmupSteps(steps / 20)
                .weightDecay(0.1)
                .evalEvery(steps / 10)
                .evalWindows(64)
                .checkpointEvery(250)
                .seed(7)
                .build();
        long t0 = System.nanoTime();
        Path checkpoint = dir.resolveSibling(dir.getFileName() + "-train.safetensors");
        new Trainer(
                        model,
                        train,
                        tc,
                        LossFunction.crossEntropy(),
                        checkpoint,
                        new io.flexigpt.nn.train.TrainingListener() {
                            @Override
                            public void onEval(int step, double loss) {
                                System.out.printf(
                                        Locale.ROOT,
                                        "%s step %d validation loss %.4f (%.0f s)%n",
                                        dir.getFileName(),
                                        step,
                                        loss,
                                        (System.nanoTime() - t0) / 1e9);
                            }
                        })
                .run();
        HfCheckpoint.write(dir, model.toCheckpoint(), StoredType.F32);
        Files.deleteIfExists(checkpoint);
        return model;
    }

    /** Finished runs as lines {@code key TAB value TAB value...}, rewritten atomically after each run. */
    static final class TsvStore implements Protocol.RunStore {
        private final Path file;
        private final Map<String, double[]> runs = new LinkedHashMap<>();

        TsvStore(Path file) throws IOException {
            this.file = file;
            if (!Files.exists(file)) return;
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split("\t");
                double[] v = new double[f.length - 1];
                for (int i = 1; i < f.length; i++) v[i - 1] = Double.parseDouble(f[i]);
                runs.put(f[0], v);
            }
        }

        @Override
        public double[] get(String key) {
            return runs.get(key);
        }

        @Override
        public void put(String key, double[] values) throws IOException {
            runs.put(key, values);
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, double[]> e : runs.entrySet()) {
                sb.append(e.getKey());
                for (double v : e.getValue()) sb.append('\t').append(v);
                sb.append('\n');
            }
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
