package io.flexigpt.nn;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.io.Checkpoint;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder: token embedding, an editable stack of pre-norm blocks, a final RMSNorm and an
 * output head that is either the embedding matrix (tied) or its own {@code lm_head}. Parameter names
 * follow the Hugging Face layout, so {@link #stateDict()} is a Hugging Face state dict.
 */
public final class LlamaModel extends Module implements LanguageModel {
    private final LlamaConfig baseConfig;
    private final Backbone model;
    private final Linear lmHead;

    /** The {@code model.} part: embeddings, blocks, final norm. */
    static final class Backbone extends Module {
        final Embedding embedTokens;
        final BlockList layers;
        final RmsNorm norm;

        Backbone(Embedding embedTokens, BlockList layers, RmsNorm norm) {
            this.embedTokens = module("embed_tokens", embedTokens);
            this.layers = module("layers", layers);
            this.norm = module("norm", norm);
        }
    }

    private LlamaModel(
            LlamaConfig config, Embedding embed, List<TransformerBlock> blocks, RmsNorm norm, Linear lmHead) {
        this.baseConfig = config;
        this.model = module("model", new Backbone(embed, new BlockList(blocks), norm));
        this.lmHead = lmHead == null ? null : module("lm_head", lmHead);
    }

    /**
     * Builds the model from tensors named as in a Hugging Face state dict ({@link HfNames}). The model takes
     * ownership of the tensors handed to it: contiguous ones become its parameters as they are, not copied,
     * so training the model changes them. A caller that means to keep independent weights passes
     * {@code copy()}s; tensors may be shared with another model only as long as neither trains them.
     */
    public static LlamaModel fromWeights(LlamaConfig config, Map<String, Tensor> weights) {
        WeightSource w = new WeightSource(weights);
        List<TransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < config.nLayers(); i++) blocks.add(block(config, i, w));
        Linear head =
                config.tiedEmbeddings() ? null : new Linear(w.take(HfNames.LM_HEAD, config.vocabSize(), config.dim()));
        LlamaModel m = new LlamaModel(
                config,
                new Embedding(w.take(HfNames.EMBEDDING, config.vocabSize(), config.dim())),
                blocks,
                new RmsNorm(w.take(HfNames.FINAL_NORM, config.dim()), config.normEps()),
                head);
        w.requireAllUsed();
        return m;
    }

    /** The model stored in a loaded checkpoint (llama2.c, GGUF or Hugging Face). */
    public static LlamaModel fromCheckpoint(Checkpoint checkpoint) {
        return fromWeights(checkpoint.config(), checkpoint.weights());
    }

    /**
     * A freshly initialised model: linear and embedding weights ~ N(0, 0.02²), the residual output
     * projections ({@code o_proj}, {@code down_proj}) scaled by {@code 1/sqrt(2 nLayers)}, norm gains 1.
     */
    public static LlamaModel random(LlamaConfig config, long seed) {
        Rng rng = new Rng(seed);
        float std = 0.02f, residualStd = (float) (0.02 / Math.sqrt(2.0 * config.nLayers()));
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : HfNames.shapes(config).entrySet()) {
            String name = e.getKey();
            boolean gain = e.getValue().length == 1;
            boolean residual = name.endsWith(HfNames.projectionWeight("o_proj"))
                    || name.endsWith(HfNames.projectionWeight("down_proj"));
            w.put(name, gain ? Tensor.ones(e.getValue()) : rng.normal(0, residual ? residualStd : std, e.getValue()));
        }
        return fromWeights(config, w);
    }

    /** The standard block {@code layer} built from its tensors. */
    static TransformerBlock block(LlamaConfig c, int layer, WeightSource w) {
        String prefix = HfNames.block(layer);
        Map<String, Linear> p = new LinkedHashMap<>();
        for (String m : HfNames.PROJECTIONS)
            p.put(m, new Linear(w.take(prefix + HfNames.projectionWeight(m), HfNames.projectionShape(c, m))));
        Attention attention = new Attention(c, p.get("q_proj"), p.get("k_proj"), p.get("v_proj"), p.get("o_proj"));
        FeedForward mlp = new FeedForward(p.get("gate_proj"), p.get("up_proj"), p.get("down_proj"));
        return new TransformerBlock(
                new RmsNorm(w.take(prefix + HfNames.ATTENTION_NORM, c.dim()), c.normEps()),
                attention,
                new RmsNorm(w.take(prefix + HfNames.MLP_NORM, c.dim()), c.normEps()),
                mlp);
    }

    /** The configuration, with the layer count of the current block stack. */
    @Override
    public LlamaConfig config() {
        return baseConfig.withLayers(model.layers.size());
    }

    public BlockList blocks() {
        return model.layers;
    }

    public Embedding embedding() {
        return model.embedTokens;
    }

    public RmsNorm finalNorm() {
        return model.norm;
    }

    /** The output projection weight {@code [vocab, dim]}: the embedding table when tied. */
    public Variable headWeight() {
        return lmHead == null ? model.embedTokens.weight() : lmHead.weight();
    }

    /** Hidden states after the embedding, {@code [batch, time, dim]}. */
    public Variable embed(int[][] tokens) {
        if (tokens.length == 0)
            throw new IllegalArgumentException("a batch needs at least one row of tokens, got none");
        int batch = tokens.length, time = tokens[0].length;
        if (time == 0) throw new IllegalArgumentException("a sequence needs at least one token, got an empty row 0");
        int[] flat = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            if (tokens[b].length != time)
                throw new IllegalArgumentException("all sequences of a batch need the same length: row " + b + " has "
                        + tokens[b].length + ", row 0 has " + time);
            System.arraycopy(tokens[b], 0, flat, b * time, time);
        }
        return model.embedTokens.forward(flat).reshape(batch, time, baseConfig.dim());
    }

    /**
     * Logits {@code [batch, time, vocab]} for token rows at positions {@code position..}. {@code cache}
     * (inference) may be null; {@code observer} may be null and otherwise sees every block's input and output.
     * The positions must fit the context: {@code 0 <= position} and {@code position + time <= maxSeqLen}.
     */
    public Variable forward(int[][] tokens, int position, KvCache cache, BlockObserver observer) {
        Variable x = embed(tokens);
        int time = tokens[0].length, context = baseConfig.maxSeqLen();
        if (position < 0) throw new IllegalArgumentException("position must be >= 0, got " + position);
        if ((long) position + time > context) {
            throw new IllegalArgumentException(time + " tokens at position " + position + " reach position "
                    + ((long) position + time) + ", beyond the model's context (maxSeqLen) of " + context);
        }
        BlockList layers = model.layers;
        for (int i = 0; i < layers.size(); i++) {
            Variable in = x;
            x = layers.get(i).forward(x, position, cache == null ? null : cache.layer(i));
            if (observer != null) observer.onBlock(i, in, x);
        }
        return head(x);
    }

    /** Logits for a full training batch (no cache, position 0). */
    public Variable forward(int[][] tokens) {
        return forward(tokens, 0, null, null);
    }

    /** Final norm and output projection of hidden states {@code [..., dim]}. */
    public Variable head(Variable hidden) {
        return model.norm.forward(hidden).matmul(headWeight().t());
    }

    /** Logits {@code [time, vocab]} of one sequence, computed without recording a graph. */
    @Override
    public Tensor logits(int[] tokens) {
        return logits(new int[][] {tokens}).select(0, 0);
    }

    /** Logits {@code [batch, time, vocab]} of equal-length rows in one batched pass, computed without recording a graph. */
    @Override
    public Tensor logits(int[][] rows) {
        try (NoGrad ignored = NoGrad.enter()) {
            return forward(rows).value();
        }
    }

    /** A sequence run on the tensor kernels with a {@link KvCache} of {@code capacity} positions. */
    @Override
    public Session session(int capacity) {
        return new TensorSession(this, capacity);
    }

    /** The weights as a checkpoint in the Hugging Face naming (plain blocks only). */
    public Checkpoint toCheckpoint() {
        return new Checkpoint(config(), new LinkedHashMap<>(stateDict()), null, null);
    }

    /** Hands out checkpoint tensors by name with a shape check (contiguous ones as they are), and finds leftovers. */
    static final class WeightSource {
        private final Map<String, Tensor> weights;
        private final java.util.Set<String> used = new java.util.HashSet<>();

        WeightSource(Map<String, Tensor> weights) {
            this.weights = weights;
        }

        Tensor take(String name, int... shape) {
            Tensor t = weights.get(name);
            if (t == null)
                throw new IllegalArgumentException(
                        "missing tensor '" + name + "' (expected shape " + java.util.Arrays.toString(shape) + ")");
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(shape));
            }
            used.add(name);
            return t.contiguous();
        }

        void requireAllUsed() {
            for (String name : weights.keySet()) {
                if (!used.contains(name))
                    throw new IllegalArgumentException("unexpected tensor '" + name + "' in checkpoint");
            }
        }
    }
}
