package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The model's logits equal a plain double-precision transcription of the Llama equations (RMSNorm,
 * grouped-query causal attention with either RoPE pairing, SwiGLU, tied or separate head) written with
 * nested loops over the Hugging Face state dict, in fp32 and in fp64.
 */
class ReferenceForwardTest {

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void logitsMatchTheReferenceEquations() {
        qt(80).forAll(configs(), integers().between(1, 8), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel model = TinyModels.model(config, seed);
            int[] tokens = TinyModels.tokens(seed, length, config.vocabSize());
            double[][] expected = reference(config, model.stateDict(), tokens);
            assertClose(expected, model.logits(tokens), 1e-4, "fp32");
            assertClose(expected, TinyModels.toF64(model).logits(tokens), 1e-5, "fp64");
        });
    }

    static void assertClose(double[][] expected, Tensor actual, double tolerance, String what) {
        for (int t = 0; t < expected.length; t++) {
            for (int v = 0; v < expected[t].length; v++) {
                double e = expected[t][v], a = actual.get(t, v);
                assertTrue(
                        Math.abs(e - a) <= tolerance * (1 + Math.abs(e)),
                        what + " logit [" + t + ", " + v + "] is " + a + ", reference " + e);
            }
        }
    }

    static double[][] reference(LlamaConfig c, Map<String, Tensor> w, int[] tokens) {
        int n = tokens.length, d = c.dim(), hd = c.headDim(), heads = c.nHeads(), group = heads / c.nKvHeads();
        double[][] x = new double[n][];
        double[][] embed = matrix(w.get("model.embed_tokens.weight"));
        for (int t = 0; t < n; t++) x[t] = embed[tokens[t]].clone();
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] h = rmsNorm(x, vector(w.get(p + "input_layernorm.weight")), c.normEps());
            double[][] q = project(h, w.get(p + "self_attn.q_proj.weight")),
                    k = project(h, w.get(p + "self_attn.k_proj.weight"));
            double[][] v = project(h, w.get(p + "self_attn.v_proj.weight"));
            for (int t = 0; t < n; t++) {
                rope(q[t], t, hd, c.ropeTheta(), c.ropeLayout());
                rope(k[t], t, hd, c.ropeTheta(), c.ropeLayout());
            }
            double[][] attn = new double[n][d];
            for (int head = 0; head < heads; head++) {
                int kvBase = (head / group) * hd, qBase = head * hd;
                for (int t = 0; t < n; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < hd; i++) scores[j] += q[t][qBase + i] * k[j][kvBase + i];
                        scores[j] /= Math.sqrt(hd);
                        max = Math.max(max, scores[j]);
                    }
                    for (int j = 0; j <= t; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int j = 0; j <= t; j++)
                        for (int i = 0; i < hd; i++) attn[t][qBase + i] += scores[j] / sum * v[j][kvBase + i];
                }
            }
            add(x, project(attn, w.get(p + "self_attn.o_proj.weight")));
            double[][] h2 = rmsNorm(x, vector(w.get(p + "post_attention_layernorm.weight")), c.normEps());
            double[][] gate = project(h2, w.get(p + "mlp.gate_proj.weight")),
                    up = project(h2, w.get(p + "mlp.up_proj.weight"));
            for (int t = 0; t < n; t++)
                for (int i = 0; i < gate[t].length; i++)
                    gate[t][i] = gate[t][i] / (1 + Math.exp(-gate[t][i])) * up[t][i];
            add(x, project(gate, w.get(p + "mlp.down_proj.weight")));
        }
        double[][] out = rmsNorm(x, vector(w.get("model.norm.weight")), c.normEps());
        return project(out, w.get(c.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight"));
    }

    /** Rotates feature pairs of every head of {@code x} by {@code position * theta^(-2i/headDim)}. */
    static void rope(double[] x, int position, int hd, double theta, RopeLayout layout) {
        for (int base = 0; base < x.length; base += hd) {
            for (int i = 0; i < hd / 2; i++) {
                double angle = position * Math.pow(theta, -2.0 * i / hd);
                int a = base + (layout == RopeLayout.INTERLEAVED ? 2 * i : i),
                        b = layout == RopeLayout.INTERLEAVED ? a + 1 : a + hd / 2;
                double xa = x[a], xb = x[b];
                x[a] = xa * Math.cos(angle) - xb * Math.sin(angle);
                x[b] = xa * Math.sin(angle) + xb * Math.cos(angle);
            }
        }
    }

    static double[][] rmsNorm(double[][] x, double[] gain, double eps) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double e : x[t]) ms += e * e;
            double scale = 1 / Math.sqrt(ms / x[t].length + eps);
            out[t] = new double[x[t].length];
            for (int i = 0; i < gain.length; i++) out[t][i] = x[t][i] * scale * gain[i];
        }
        return out;
    }

    /** {@code x Wᵀ} for {@code W [out, in]}. */
    static double[][] project(double[][] x, Tensor weight) {
        double[][] m = matrix(weight);
        double[][] out = new double[x.length][m.length];
        for (int t = 0; t < x.length; t++)
            for (int o = 0; o < m.length; o++) for (int i = 0; i < m[o].length; i++) out[t][o] += x[t][i] * m[o][i];
        return out;
    }

    static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) for (int i = 0; i < x[t].length; i++) x[t][i] += y[t][i];
    }

    static double[][] matrix(Tensor t) {
        double[][] m = new double[t.dim(0)][];
        for (int r = 0; r < m.length; r++) m[r] = t.select(0, r).toDoubleArray();
        return m;
    }

    static double[] vector(Tensor t) {
        return t.toDoubleArray();
    }
}
