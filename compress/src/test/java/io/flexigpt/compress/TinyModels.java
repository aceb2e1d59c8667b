package io.flexigpt.compress;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small random Llama models, hand-edited variants of them and calibration data for the compress tests. */
final class TinyModels {
    private TinyModels() {}

    static final int DIM = 16, HIDDEN = 24, VOCAB = 40;

    /** dim 16, 4 heads over 2 kv heads, SwiGLU width 24, vocabulary 40. */
    static LlamaConfig config(int layers) {
        return LlamaConfig.builder()
                .dim(DIM)
                .layers(layers)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(HIDDEN)
                .vocabSize(VOCAB)
                .maxSeqLen(64)
                .tiedEmbeddings(true)
                .ropeLayout(RopeLayout.INTERLEAVED)
                .build();
    }

    /**
     * A random model whose linear weights are ten times the usual initialisation (std 0.2), so that every
     * block changes the hidden state noticeably and the logits depend on the input.
     */
    static LlamaModel random(int layers, long seed) {
        LlamaModel m = LlamaModel.random(config(layers), seed);
        Map<String, Tensor> w = new LinkedHashMap<>(m.stateDict());
        w.replaceAll((name, t) -> name.endsWith("_proj.weight") ? t.mul(10) : t);
        return LlamaModel.fromWeights(m.config(), w);
    }

    /** A copy of {@code model} with the named tensors replaced. */
    static LlamaModel edited(LlamaModel model, Map<String, Tensor> replacements) {
        Map<String, Tensor> w = new LinkedHashMap<>(model.stateDict());
        for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
            if (!w.containsKey(e.getKey())) throw new IllegalArgumentException("no tensor " + e.getKey());
            w.put(e.getKey(), e.getValue());
        }
        return LlamaModel.fromWeights(model.config(), w);
    }

    /** A copy of {@code model} in which block {@code index} is the identity: its o_proj and down_proj are zero. */
    static LlamaModel withIdentityBlock(LlamaModel model, int index) {
        String p = "model.layers." + index + ".";
        LlamaConfig c = model.config();
        return edited(
                model,
                Map.of(
                        p + "self_attn.o_proj.weight",
                        Tensor.zeros(c.dim(), c.dim()),
                        p + "mlp.down_proj.weight",
                        Tensor.zeros(c.dim(), c.hiddenDim())));
    }

    /** A copy of {@code model} in which every weight of block {@code target} is that of block {@code source}. */
    static LlamaModel withCopiedBlock(LlamaModel model, int source, int target) {
        Map<String, Tensor> sd = model.stateDict(), changes = new LinkedHashMap<>();
        String from = "model.layers." + source + ".", to = "model.layers." + target + ".";
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            if (e.getKey().startsWith(from))
                changes.put(
                        to + e.getKey().substring(from.length()), e.getValue().copy());
        }
        return edited(model, changes);
    }

    /** Uniformly random tokens. */
    static int[] tokens(int vocab, int n, long seed) {
        Rng rng = new Rng(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(vocab);
        return t;
    }

    /** Calibration windows over random tokens of {@code model}'s vocabulary. */
    static CalibrationData calibration(LlamaModel model, int windows, int seqLen, int batchSize, long seed) {
        return CalibrationData.sample(
                tokens(model.config().vocabSize(), 500, seed), windows, seqLen, batchSize, seed + 1);
    }

    static final int[] PROBE = {1, 7, 3, 22, 39, 0, 15, 15, 8, 31, 2, 17};

    /** The real stories260K model (5 blocks, dim 64). */
    static LlamaModel stories260K() throws IOException {
        return LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
    }

    /** Calibration windows of real TinyStories validation text, tokenised with stories260K's tokenizer. */
    static CalibrationData storiesCalibration(int windows, int seqLen, int batchSize, long seed) throws IOException {
        Tokenizer tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"))
                .substring(0, 20_000);
        return CalibrationData.sample(tok.encode(text, true, false), windows, seqLen, batchSize, seed);
    }

    /** Total number of scalars in the seven projection weights of a plain block of {@code c}. */
    static long projectionWeights(LlamaConfig c) {
        return 2L * c.dim() * c.dim() + 2L * c.kvDim() * c.dim() + 3L * c.dim() * c.hiddenDim();
    }

    static boolean allFinite(Tensor t) {
        for (float v : t.toFloatArray()) if (!Float.isFinite(v)) return false;
        return true;
    }
}
