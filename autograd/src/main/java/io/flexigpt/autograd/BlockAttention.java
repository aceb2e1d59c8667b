package io.flexigpt.autograd;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;

/**
 * Causal grouped-query attention computed blockwise (the FlashAttention scheme), so memory grows with
 * the sequence, not with its square. Forward: for each query block, the key blocks it can see are
 * visited in order with an online softmax (running row maximum and sum, the output accumulated and
 * rescaled), and only the output and each row's log-sum-exp are kept. Backward: scores and
 * probabilities are recomputed block by block from q, k and the saved log-sum-exp; each task owns a
 * range of key blocks of one kv head (so it writes its dK and dV alone) and adds its dQ share into a
 * buffer of its own, summed in a fixed order at the end. No intermediate is larger than a block of
 * scores, and results are bit-identical for any thread count.
 *
 * <p>Layout as {@link Functions#causalAttention}: {@code q [batch, qHeads, time, headDim]},
 * {@code k, v [batch, kvHeads, keys, headDim]}; query t sees keys {@code 0..queryOffset + t}.
 */
final class BlockAttention {
    private BlockAttention() {}

    static final int QUERY_BLOCK = 64, KEY_BLOCK = 128;

    /** Backward tasks wanted at least (split along the keys when there are fewer (batch, kv head) pairs). */
    private static final int MIN_BACKWARD_TASKS = 8;

    static Variable apply(Variable q, Variable k, Variable v, int queryOffset, int queryBlock, int keyBlock) {
        boolean f64 = q.value().dtype() == DType.F64
                || k.value().dtype() == DType.F64
                || v.value().dtype() == DType.F64;
        return f64
                ? run(Precision.F64, q, k, v, queryOffset, queryBlock, keyBlock)
                : run(Precision.F32, q, k, v, queryOffset, queryBlock, keyBlock);
    }

    private static <A> Variable run(
            Precision<A> p, Variable q, Variable k, Variable v, int queryOffset, int queryBlock, int keyBlock) {
        int[] qs = q.shape(), ks = k.shape();
        Geometry g = new Geometry(qs[0], qs[1], ks[1], qs[2], ks[2], qs[3], queryOffset, queryBlock, keyBlock);
        A qScaled = p.read(q.value());
        p.scale(qScaled, 0, g.qSize(), 1.0 / Math.sqrt(g.headDim));
        A keys = p.read(k.value()), values = p.read(v.value());
        A out = p.alloc(g.qSize());
        double[] lse = new double[g.batch * g.qHeads * g.time];
        forward(p, g, qScaled, keys, values, out, lse);
        Tensor result = p.wrap(out, qs);
        return Variable.result(
                result,
                "causalAttention",
                grad -> {
                    A dq = p.alloc(g.qSize()), dk = p.alloc(g.kvSize()), dv = p.alloc(g.kvSize());
                    backward(p, g, qScaled, keys, values, out, lse, p.read(grad), dq, dk, dv);
                    p.scale(dq, 0, g.qSize(), 1.0 / Math.sqrt(g.headDim));
                    return new Tensor[] {
                        q.requiresGrad() ? p.wrap(dq, qs) : null,
                        k.requiresGrad() ? p.wrap(dk, ks) : null,
                        v.requiresGrad() ? p.wrap(dv, ks) : null
                    };
                },
                q,
                k,
                v);
    }

    /** Sizes, block counts and offsets. */
    record Geometry(
            int batch,
            int qHeads,
            int kvHeads,
            int time,
            int keys,
            int headDim,
            int offset,
            int queryBlock,
            int keyBlock) {
        Geometry {
            if (queryBlock < 1 || keyBlock < 1)
                throw new IllegalArgumentException(
                        "block sizes must be positive, got " + queryBlock + " and " + keyBlock);
        }

        int group() {
            return qHeads / kvHeads;
        }

        int qSize() {
            return batch * qHeads * time * headDim;
        }

        int kvSize() {
            return batch * kvHeads * keys * headDim;
        }

        int queryBlocks() {
            return (time + queryBlock - 1) / queryBlock;
        }

        /** Keys any query sees: {@code 0..offset + time - 1}. */
        int visibleKeys() {
            return Math.min(keys, offset + time);
        }

        int keyBlocks() {
            return (visibleKeys() + keyBlock - 1) / keyBlock;
        }

        /** Row of query t of head h in batch b, in [batch, qHeads, time]. */
        int qRow(int b, int h, int t) {
            return (b * qHeads + h) * time + t;
        }

        /** Row of key j of kv head kh in batch b, in [batch, kvHeads, keys]. */
        int kvRow(int b, int kh, int j) {
            return (b * kvHeads + kh) * keys + j;
        }

        /** Keys of block [j0, j0 + n) visible to query t: a prefix of the block, possibly empty. */
        int visibleInBlock(int t, int j0, int n) {
            return Math.max(0, Math.min(n, offset + t - j0 + 1));
        }
    }

    private static <A> void forward(Precision<A> p, Geometry g, A q, A k, A v, A out, double[] lse) {
        int qBlocks = g.queryBlocks(), d = g.headDim;
        Parallelism.forChunks(g.batch * g.qHeads * qBlocks, 1, (start, end) -> {
            A s = p.alloc(g.queryBlock * g.keyBlock), acc = p.alloc(g.queryBlock * d);
            double[] max = new double[g.queryBlock], sum = new double[g.queryBlock];
            for (int task = start; task < end; task++) {
                int b = task / (g.qHeads * qBlocks), h = task / qBlocks % g.qHeads, t0 = task % qBlocks * g.queryBlock;
                int rows = Math.min(g.queryBlock, g.time - t0),
                        qAt = g.qRow(b, h, t0) * d,
                        kvAt = g.kvRow(b, h / g.group(), 0) * d;
                Arrays.fill(max, Double.NEGATIVE_INFINITY);
                Arrays.fill(sum, 0);
                p.fill(acc, 0, rows * d, 0);
                int seen = Math.min(g.keys, g.offset + t0 + rows);
                for (int j0 = 0; j0 < seen; j0 += g.keyBlock) {
                    int n = Math.min(g.keyBlock, seen - j0);
                    p.gemm(false, true, rows, n, d, q, qAt, d, k, kvAt + j0 * d, d, s, 0, n, false);
                    for (int r = 0; r < rows; r++) {
                        int visible = g.visibleInBlock(t0 + r, j0, n);
                        double blockMax = p.max(s, r * n, visible), next = Math.max(max[r], blockMax);
                        double rowSum = visible == 0 ? 0 : p.expShifted(s, r * n, s, r * n, visible, next);
                        p.fill(s, r * n + visible, (r + 1) * n, 0);
                        if (max[r] != next) {
                            double correction = Math.exp(max[r] - next);
                            sum[r] *= correction;
                            p.scale(acc, r * d, d, correction);
                            max[r] = next;
                        }
                        sum[r] += rowSum;
                    }
                    p.gemm(false, false, rows, d, n, s, 0, n, v, kvAt + j0 * d, d, acc, 0, d, true);
                }
                for (int r = 0; r < rows; r++) {
                    p.fill(out, qAt + r * d, qAt + (r + 1) * d, 0);
                    p.addScaled(out, qAt + r * d, acc, r * d, d, 1.0 / sum[r]);
                    lse[g.qRow(b, h, t0 + r)] = max[r] + Math.log(sum[r]);
                }
            }
        });
    }

    /**
     * dV = Pᵀ dO, dS = P ∘ (dO Vᵀ − rowsum(dO ∘ O)), dK = dSᵀ Q', dQ' = dS K with Q' the scaled queries
     * (the caller applies the scale to dQ). Tasks are (batch, kv head, range of key blocks).
     */
    private static <A> void backward(
            Precision<A> p, Geometry g, A q, A k, A v, A out, double[] lse, A dOut, A dq, A dk, A dv) {
        int d = g.headDim, qRows = g.batch * g.qHeads * g.time;
        double[] delta = new double[qRows];
        for (int r = 0; r < qRows; r++) delta[r] = p.dot(dOut, r * d, out, r * d, d);
        int[] splits = keySplits(g);
        int parts = splits.length - 1, pairs = g.batch * g.kvHeads;
        A[] dqParts = dqBuffers(p, g, dq, parts);
        Parallelism.forChunks(pairs * parts, 1, (start, end) -> {
            A s = p.alloc(g.queryBlock * g.keyBlock), ds = p.alloc(g.queryBlock * g.keyBlock);
            for (int task = start; task < end; task++) {
                int pair = task / parts, part = task % parts, b = pair / g.kvHeads, kh = pair % g.kvHeads;
                A dqPart = dqParts[part];
                for (int block = splits[part]; block < splits[part + 1]; block++) {
                    int j0 = block * g.keyBlock,
                            n = Math.min(g.keyBlock, g.visibleKeys() - j0),
                            kvAt = g.kvRow(b, kh, j0) * d;
                    int firstQuery = Math.max(0, j0 - g.offset);
                    for (int h = kh * g.group(); h < (kh + 1) * g.group(); h++) {
                        for (int t0 = firstQuery / g.queryBlock * g.queryBlock; t0 < g.time; t0 += g.queryBlock) {
                            int rows = Math.min(g.queryBlock, g.time - t0), qAt = g.qRow(b, h, t0) * d;
                            p.gemm(false, true, rows, n, d, q, qAt, d, k, kvAt, d, s, 0, n, false);
                            p.gemm(false, true, rows, n, d, dOut, qAt, d, v, kvAt, d, ds, 0, n, false);
                            for (int r = 0; r < rows; r++) {
                                int visible = g.visibleInBlock(t0 + r, j0, n), row = g.qRow(b, h, t0 + r);
                                p.expShifted(s, r * n, s, r * n, visible, lse[row]);
                                p.fill(s, r * n + visible, (r + 1) * n, 0);
                                p.softmaxGrad(s, r * n, ds, r * n, n, delta[row]);
                            }
                            p.gemm(true, false, n, d, rows, s, 0, n, dOut, qAt, d, dv, kvAt, d, true);
                            p.gemm(true, false, n, d, rows, ds, 0, n, q, qAt, d, dk, kvAt, d, true);
                            p.gemm(false, false, rows, d, n, ds, 0, n, k, kvAt, d, dqPart, qAt, d, true);
                        }
                    }
                }
            }
        });
        for (int part = 1; part < parts; part++) p.addScaled(dq, 0, dqParts[part], 0, g.qSize(), 1.0);
    }

    /** Buffer 0 is {@code dq} itself; the others are fresh (one per further key split). */
    @SuppressWarnings("unchecked")
    private static <A> A[] dqBuffers(Precision<A> p, Geometry g, A dq, int parts) {
        Object[] buffers = new Object[parts];
        buffers[0] = dq;
        for (int i = 1; i < parts; i++) buffers[i] = p.alloc(g.qSize());
        return (A[]) buffers;
    }

    /**
     * Boundaries of the key-block ranges of the backward tasks: enough ranges that there are at least
     * {@link #MIN_BACKWARD_TASKS} tasks, cut so each range meets about the same number of (query, key)
     * pairs (early keys are seen by more queries). Depends on the shape only, never on the thread count.
     */
    static int[] keySplits(Geometry g) {
        int blocks = g.keyBlocks();
        int pairs = g.batch * g.kvHeads;
        int parts = Math.max(1, Math.min(blocks, (MIN_BACKWARD_TASKS + pairs - 1) / pairs));
        double[] work = new double[blocks];
        double total = 0;
        for (int j = 0; j < blocks; j++) {
            int j0 = j * g.keyBlock;
            work[j] = (double) (g.time - Math.max(0, Math.min(g.time, j0 - g.offset)))
                    * Math.min(g.keyBlock, g.visibleKeys() - j0);
            total += work[j];
        }
        int[] splits = new int[parts + 1];
        splits[parts] = blocks;
        double cumulative = 0;
        int part = 1;
        for (int j = 0; j < blocks && part < parts; j++) {
            cumulative += work[j];
            while (part < parts && cumulative >= total * part / parts) splits[part++] = j + 1;
        }
        for (int i = 1; i <= parts; i++) splits[i] = Math.max(splits[i], Math.min(blocks, splits[i - 1] + 1));
        return splits;
    }
}
