package io.flexigpt.autograd;

import static io.flexigpt.autograd.GradientCheck.assertGradientsMatch;
import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Finite-difference checks (fp64, h = 1e-6, tolerance 1e-6 scaled by 1 + |numeric|) of every differentiable
 * op on random shapes, including broadcasting on each axis, size-1 axes, repeated inputs, views and slices.
 * Each op's output is reduced to a scalar with a fixed random weighting so every output element matters.
 */
class GradientPropertiesTest {

    static Tensor rand(long seed, int... shape) {
        return TensorGens.random(seed, shape).to(DType.F64);
    }

    /** {@code sum(out * R)} for a random R of out's shape. */
    static Variable weighted(Variable out, long seed) {
        return out.mul(Variable.constant(rand(seed ^ 0x5DEECE66DL, out.shape())))
                .sum();
    }

    static void check(long seed, Function<Variable[], Variable> op, Tensor... inputs) {
        assertGradientsMatch(v -> weighted(op.apply(v), seed), inputs);
    }

    static Gen<int[]> shapes() {
        return TensorGens.shapes(1, 3, 4);
    }

    static int[] partner(int[] shape, long bits) {
        int drop = (int) Math.floorMod(bits, shape.length + 1);
        int[] p = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < p.length; i++) if (((bits >> (i + 3)) & 1) == 1) p[i] = 1;
        return p;
    }

    enum BinaryOp {
        ADD,
        SUB,
        MUL,
        DIV,
        MAXIMUM
    }

    @Test
    void broadcastBinaryOps() {
        record Case(int[] shape, long bits, long seed, BinaryOp op, boolean swap) {}
        Gen<Case> cases = in -> new Case(
                shapes().generate(in),
                longs().all().generate(in),
                longs().all().generate(in),
                arbitrary().enumValues(BinaryOp.class).generate(in),
                booleans().all().generate(in));
        qt(60).forAll(cases).checkAssert(c -> broadcastBinaryOps(c.shape(), c.bits(), c.seed(), c.op(), c.swap()));
    }

    private void broadcastBinaryOps(int[] shape, long bits, long seed, BinaryOp op, boolean swap) {
        Tensor a = rand(seed, shape), b = rand(seed + 1, partner(shape, bits));
        if (op == BinaryOp.DIV) b = b.abs().add(0.5);
        if (op == BinaryOp.MAXIMUM) b = b.add(0.013); // keep values apart: no ties at the kink
        Function<Variable[], Variable> f = v -> {
            Variable x = v[0], y = v[1];
            switch (op) {
                case ADD:
                    return x.add(y);
                case SUB:
                    return x.sub(y);
                case MUL:
                    return x.mul(y);
                case DIV:
                    return x.div(y);
                default:
                    return x.maximum(y);
            }
        };
        if (swap && op != BinaryOp.DIV) check(seed, v -> f.apply(new Variable[] {v[1], v[0]}), a, b);
        else check(seed, f, a, b);
    }

    enum UnaryOp {
        EXP,
        LOG,
        SQRT,
        RSQRT,
        POW,
        SQUARE,
        TANH,
        SIGMOID,
        SILU,
        RELU,
        ABS,
        NEG,
        ADD_SCALAR,
        MUL_SCALAR
    }

    @Test
    void unaryOps() {
        qt(60).forAll(shapes(), longs().all(), arbitrary().enumValues(UnaryOp.class))
                .checkAssert((shape, seed, op) -> {
                    Tensor x = rand(seed, shape);
                    boolean positive =
                            op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW;
                    if (positive) x = x.abs().add(0.3);
                    if (op == UnaryOp.RELU || op == UnaryOp.ABS)
                        x = x.add(x.gt(0).mul(0.1)).sub(x.lt(0).mul(0.1)); // away from the kink at 0
                    check(
                            seed,
                            v -> {
                                Variable a = v[0];
                                switch (op) {
                                    case EXP:
                                        return a.exp();
                                    case LOG:
                                        return a.log();
                                    case SQRT:
                                        return a.sqrt();
                                    case RSQRT:
                                        return a.rsqrt();
                                    case POW:
                                        return a.pow(1.7);
                                    case SQUARE:
                                        return a.square();
                                    case TANH:
                                        return a.tanh();
                                    case SIGMOID:
                                        return a.sigmoid();
                                    case SILU:
                                        return a.silu();
                                    case RELU:
                                        return a.relu();
                                    case ABS:
                                        return a.abs();
                                    case NEG:
                                        return a.neg();
                                    case ADD_SCALAR:
                                        return a.add(0.75);
                                    default:
                                        return a.mul(-1.5);
                                }
                            },
                            x);
                });
    }

    @Test
    void repeatedUseOfOneInputAccumulates() {
        qt(40).forAll(shapes(), longs().all()).checkAssert((shape, seed) -> {
            check(seed, v -> v[0].mul(v[0]).add(v[0].exp()).sub(v[0].mul(3)), rand(seed, shape));
        });
    }

    enum Reduction {
        SUM_ALL,
        MEAN_ALL,
        SUM,
        MEAN,
        MAX,
        SOFTMAX,
        LOG_SOFTMAX,
        VARIANCE
    }

    @Test
    void reductions() {
        record Case(int[] shape, long seed, Reduction op, int axisSeed, boolean keep) {}
        Gen<Case> cases = in -> new Case(
                shapes().generate(in),
                longs().all().generate(in),
                arbitrary().enumValues(Reduction.class).generate(in),
                integers().all().generate(in),
                booleans().all().generate(in));
        qt(80).forAll(cases).checkAssert(c -> reductions(c.shape(), c.seed(), c.op(), c.axisSeed(), c.keep()));
    }

    private void reductions(int[] shape, long seed, Reduction op, int axisSeed, boolean keep) {
        int axis = Math.floorMod(axisSeed, shape.length);
        int signedAxis = (axisSeed & 1) == 0 ? axis : axis - shape.length;
        Tensor x = rand(seed, shape);
        check(
                seed,
                v -> {
                    Variable a = v[0];
                    switch (op) {
                        case SUM_ALL:
                            return a.sum();
                        case MEAN_ALL:
                            return a.mean();
                        case SUM:
                            return a.sum(signedAxis, keep);
                        case MEAN:
                            return a.mean(signedAxis, keep);
                        case MAX:
                            return a.max(signedAxis, keep);
                        case SOFTMAX:
                            return a.softmax(signedAxis);
                        case LOG_SOFTMAX:
                            return a.logSoftmax(signedAxis);
                        default:
                            return a.variance(signedAxis, keep);
                    }
                },
                x);
    }

    @Test
    void rmsNormOverLastAxis() {
        qt(40).forAll(shapes(), longs().all()).checkAssert((shape, seed) -> {
            int d = shape[shape.length - 1];
            check(seed, v -> v[0].rmsNorm(v[1], 1e-5), rand(seed, shape), rand(seed + 7, d));
        });
    }

    @Test
    void matmulPlainBatchedAndTransposed() {
        record Case(int m, int k, int n, int batchMode, boolean transA, boolean transB, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 4).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(0, 3).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(60).forAll(cases)
                .checkAssert(c -> matmulPlainBatchedAndTransposed(
                        c.m(), c.k(), c.n(), c.batchMode(), c.transA(), c.transB(), c.seed()));
    }

    private void matmulPlainBatchedAndTransposed(
            int m, int k, int n, int batchMode, boolean transA, boolean transB, long seed) {
        int[] batchA = batchMode == 0
                ? new int[0]
                : batchMode == 1 ? new int[] {2} : batchMode == 2 ? new int[] {3, 2} : new int[] {2, 1};
        int[] batchB = batchMode == 2 ? new int[] {1, 2} : batchMode == 3 ? new int[] {3} : batchA;
        Tensor a = rand(seed, concat(batchA, transA ? k : m, transA ? m : k));
        Tensor b = rand(seed + 1, concat(batchB, transB ? n : k, transB ? k : n));
        check(seed, v -> (transA ? v[0].transpose(-1, -2) : v[0]).matmul(transB ? v[1].transpose(-1, -2) : v[1]), a, b);
    }

    static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    enum View {
        RESHAPE,
        TRANSPOSE,
        PERMUTE,
        SLICE,
        SELECT,
        UNSQUEEZE_SQUEEZE,
        EXPAND,
        CONCAT,
        SPLIT,
        STACK,
        CONTIGUOUS
    }

    @Test
    void viewsSlicesAndJoins() {
        qt(80).forAll(shapes(), longs().all(), arbitrary().enumValues(View.class))
                .checkAssert((shape, seed, op) -> {
                    Tensor x = rand(seed, shape);
                    int last = shape.length - 1;
                    check(
                            seed,
                            v -> {
                                Variable a = v[0];
                                switch (op) {
                                    case RESHAPE:
                                        return a.reshape(-1).reshape(1, -1);
                                    case TRANSPOSE:
                                        return shape.length < 2
                                                ? a.transpose(0, 0)
                                                : a.transpose(0, last).exp();
                                    case PERMUTE: {
                                        int[] order = new int[shape.length];
                                        for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
                                        return a.permute(order).mul(a.permute(order));
                                    }
                                    case SLICE:
                                        return a.slice(last, 0, Math.max(1, shape[last] / 2))
                                                .mul(2)
                                                .add(a.slice(last, shape[last] - 1, shape[last]));
                                    case SELECT:
                                        return a.select(0, shape[0] - 1).square();
                                    case UNSQUEEZE_SQUEEZE:
                                        return a.unsqueeze(0)
                                                .unsqueeze(-1)
                                                .squeeze(0)
                                                .squeeze(-1);
                                    case EXPAND: {
                                        int[] big = new int[shape.length + 1];
                                        big[0] = 3;
                                        System.arraycopy(shape, 0, big, 1, shape.length);
                                        return a.expand(big).mul(Variable.constant(rand(seed + 3, big)));
                                    }
                                    case CONCAT:
                                        return Variable.concat(last, a, a.square(), a.slice(last, 0, 1));
                                    case SPLIT: {
                                        if (shape[last] < 2) return a.split(last, shape[last])[0];
                                        Variable[] parts = a.split(last, 1, shape[last] - 1);
                                        return parts[1].sum(last, true).mul(parts[0]);
                                    }
                                    case STACK:
                                        return Variable.stack(0, a, a.exp());
                                    default:
                                        return a.transpose(0, last).contiguous().square();
                                }
                            },
                            x);
                });
    }

    @Test
    void ropeBothLayouts() {
        record Case(int batch, int time, int heads, int halfDim, int offset, RopeLayout layout, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 2).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(0, 5).generate(in),
                arbitrary().enumValues(RopeLayout.class).generate(in),
                longs().all().generate(in));
        qt(30).forAll(cases)
                .checkAssert(c ->
                        ropeBothLayouts(c.batch(), c.time(), c.heads(), c.halfDim(), c.offset(), c.layout(), c.seed()));
    }

    private void ropeBothLayouts(
            int batch, int time, int heads, int halfDim, int offset, RopeLayout layout, long seed) {
        check(seed, v -> Functions.rope(v[0], offset, 10000.0, layout), rand(seed, batch, time, heads, 2 * halfDim));
    }

    @Test
    void embeddingWithRepeatedIds() {
        qt(30).forAll(integers().between(1, 6), integers().between(1, 3), longs().all())
                .checkAssert((vocab, dim, seed) -> {
                    Random r = new Random(seed);
                    int[] ids = r.ints(7, 0, vocab).toArray();
                    check(seed, v -> Functions.embedding(v[0], ids), rand(seed, vocab, dim));
                });
    }

    @Test
    void groupedQueryCausalAttentionWithMaskedPositions() {
        record Case(int batch, int kvHeads, int group, int time, int offset, int headDim, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 2).generate(in),
                integers().between(1, 2).generate(in),
                integers().between(1, 2).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(0, 2).generate(in),
                integers().between(1, 3).generate(in),
                longs().all().generate(in));
        qt(30).forAll(cases)
                .checkAssert(c -> groupedQueryCausalAttentionWithMaskedPositions(
                        c.batch(), c.kvHeads(), c.group(), c.time(), c.offset(), c.headDim(), c.seed()));
    }

    private void groupedQueryCausalAttentionWithMaskedPositions(
            int batch, int kvHeads, int group, int time, int offset, int headDim, long seed) {
        int keys = time + offset;
        check(
                seed,
                v -> Functions.causalAttention(v[0], v[1], v[2], offset),
                rand(seed, batch, kvHeads * group, time, headDim),
                rand(seed + 1, batch, kvHeads, keys, headDim),
                rand(seed + 2, batch, kvHeads, keys, headDim));
    }

    @Test
    void crossEntropyWithIgnoredRows() {
        qt(40).forAll(integers().between(1, 5), integers().between(2, 6), longs().all())
                .checkAssert((rows, vocab, seed) -> {
                    Random r = new Random(seed);
                    int[] targets = new int[rows];
                    for (int i = 0; i < rows; i++)
                        targets[i] = r.nextInt(4) == 0 ? Functions.IGNORE_INDEX : r.nextInt(vocab);
                    assertGradientsMatch(v -> Functions.crossEntropy(v[0], targets), rand(seed, rows, vocab));
                });
    }

    @Test
    void klDivergenceToAConstantTeacher() {
        qt(40).forAll(integers().between(1, 4), integers().between(2, 6), longs().all())
                .checkAssert((rows, vocab, seed) -> {
                    Tensor teacher = rand(seed + 11, rows, vocab).mul(2);
                    assertGradientsMatch(v -> Functions.klDivergence(v[0], teacher), rand(seed, rows, vocab));
                });
    }

    @Test
    void meanSquaredErrorAndSwiglu() {
        qt(30).forAll(shapes(), longs().all()).checkAssert((shape, seed) -> {
            assertGradientsMatch(v -> Functions.mse(v[0], v[1]), rand(seed, shape), rand(seed + 1, shape));
            check(seed, v -> Functions.swiglu(v[0], v[1]), rand(seed, shape), rand(seed + 1, shape));
        });
    }
}
