package io.flexigpt.nn.device;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.Attention;
import io.flexigpt.nn.FeedForward;
import io.flexigpt.nn.LinearTerm;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.RmsNorm;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.List;

/**
 * The nn layers evaluated through {@link ComputeBackend} ops, read from what each layer exposes (its
 * weights, shapes and settings), for {@code rows} rows of one sequence: each method computes what the
 * layer's tensor {@code forward} computes, without the layer knowing the device.
 */
final class DeviceLayers {
    private final DeviceWeights weights;
    private final ComputeBackend be;

    DeviceLayers(DeviceWeights weights) {
        this.weights = weights;
        this.be = weights.backend();
    }

    /** A pre-norm block at positions {@code position..}; its new keys and values are appended to {@code cache}. */
    DeviceBuffer block(TransformerBlock block, DeviceBuffer x, int rows, int position, KvCacheSlice cache) {
        DeviceBuffer a = attention(block.attention(), norm(block.attentionNorm(), x, rows), rows, position, cache);
        DeviceBuffer h = residual(block, x, a, rows, block.attentionScale());
        DeviceBuffer m = mlp(block.mlp(), norm(block.mlpNorm(), h, rows), rows);
        return residual(block, h, m, rows, block.mlpScale());
    }

    /** {@code x + block.branchOutput(branch, scale)}. */
    private DeviceBuffer residual(
            TransformerBlock block, DeviceBuffer x, DeviceBuffer branch, int rows, Variable scale) {
        if (scale != null) {
            DeviceBuffer scaled = be.allocate(branch.length());
            RowsShape shape = new RowsShape(rows, scale.dim(0));
            if (block.normalisedBranches())
                be.rmsNormRows(shape, branch, weights.of(scale), (float) block.branchNormEps(), scaled);
            else be.mulRows(shape, branch, weights.of(scale), scaled);
            branch = scaled;
        }
        DeviceBuffer sum = be.allocate(x.length());
        be.add(x, branch, sum);
        return sum;
    }

    DeviceBuffer norm(RmsNorm norm, DeviceBuffer x, int rows) {
        DeviceBuffer out = be.allocate(x.length());
        be.rmsNormRows(
                new RowsShape(rows, norm.weight().dim(0)), x, weights.of(norm.weight()), (float) norm.eps(), out);
        return out;
    }

    /** Grouped-query causal attention with the rotary embedding; earlier positions' keys and values come from {@code cache}. */
    private DeviceBuffer attention(Attention attention, DeviceBuffer x, int rows, int position, KvCacheSlice cache) {
        int heads = attention.nHeads(), kvHeads = attention.nKvHeads(), headDim = attention.headDim();
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) positions[i] = position + i;
        RopeLayout layout = attention.ropeLayout();
        float theta = (float) attention.ropeTheta();
        DeviceBuffer qs = be.allocate(rows * heads * headDim), ks = be.allocate(rows * kvHeads * headDim);
        be.rope(new RopeShape(rows, heads, headDim, layout, theta), positions, project(attention.q(), x, rows), qs);
        be.rope(new RopeShape(rows, kvHeads, headDim, layout, theta), positions, project(attention.k(), x, rows), ks);
        DeviceBuffer out = be.allocate(rows * heads * headDim);
        be.causalAttention(
                new AttentionShape(rows, position + rows, heads, kvHeads, headDim),
                qs,
                ks,
                project(attention.v(), x, rows),
                cache,
                out);
        return project(attention.o(), out, rows);
    }

    /** The SwiGLU MLP {@code down(silu(gate(x)) * up(x))}. */
    private DeviceBuffer mlp(FeedForward mlp, DeviceBuffer x, int rows) {
        DeviceBuffer act = be.allocate(rows * mlp.gate().outFeatures());
        be.siluMul(project(mlp.gate(), x, rows), project(mlp.up(), x, rows), act);
        return project(mlp.down(), act, rows);
    }

    /** The sum of the projection's terms applied to {@code x}, in the order {@link Projection#forward} sums them. */
    DeviceBuffer project(Projection projection, DeviceBuffer x, int rows) {
        DeviceBuffer sum = null;
        for (LinearTerm term : projection.terms()) {
            DeviceBuffer y = term(term, x, rows);
            if (sum == null) {
                sum = y;
            } else {
                DeviceBuffer next = be.allocate(sum.length());
                be.add(sum, y, next);
                sum = next;
            }
        }
        return sum;
    }

    /** {@code scale · x (F₁ ⋯ Fₙ)ᵀ}, innermost factor first. */
    private DeviceBuffer term(LinearTerm term, DeviceBuffer x, int rows) {
        List<Variable> factors = term.factors();
        DeviceBuffer y = x;
        for (int i = factors.size() - 1; i >= 0; i--) y = weights.linear(y, rows, factors.get(i));
        if (term.scale() == 1) return y;
        DeviceBuffer scaled = be.allocate(y.length());
        be.scale(y, (float) term.scale(), scaled);
        return scaled;
    }
}
