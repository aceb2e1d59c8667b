package io.flexigpt.autograd;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;

/**
 * The loss heads over a vocabulary, fused: {@code klWeight · KL(teacher || student)} (mean over rows) +
 * {@code ceWeight · cross-entropy} (mean over rows whose target is not {@link Functions#IGNORE_INDEX}),
 * from logits {@code [n, vocab]}. Rows are processed in chunks of about {@link #CHUNK_ELEMENTS} values:
 * the forward keeps only each row's log-sum-exp, and the backward writes the one {@code [n, vocab]}
 * gradient directly, so besides the logits and that gradient at most one chunk of vocabulary-sized
 * values is live. Row sums and the loss are accumulated in double, rows in order (the result does not
 * depend on the thread count).
 */
final class VocabLoss {
    private VocabLoss() {}

    /** Logits per chunk of rows (4 MB in fp32). */
    static final int CHUNK_ELEMENTS = 1 << 20;

    static Variable apply(Variable student, Tensor teacher, int[] targets, double klWeight, double ceWeight) {
        return apply(student, teacher, targets, klWeight, ceWeight, CHUNK_ELEMENTS);
    }

    /** As {@link #apply(Variable, Tensor, int[], double, double)} with chunks of about {@code chunkElements} logits. */
    static Variable apply(
            Variable student, Tensor teacher, int[] targets, double klWeight, double ceWeight, int chunkElements) {
        return student.value().dtype() == DType.F64
                ? run(Precision.F64, student, teacher, targets, klWeight, ceWeight, chunkElements)
                : run(Precision.F32, student, teacher, targets, klWeight, ceWeight, chunkElements);
    }

    private static <A> Variable run(
            Precision<A> p,
            Variable student,
            Tensor teacher,
            int[] targets,
            double klWeight,
            double ceWeight,
            int chunkElements) {
        Tensor s = student.value();
        int n = s.dim(0), vocab = s.dim(1);
        boolean kl = klWeight != 0, ce = ceWeight != 0;
        int valid = ce ? checkTargets(targets, n, vocab) : 0;
        double[] lseS = new double[n], lseT = kl ? new double[n] : null, klRows = new double[n], ceRows = new double[n];
        int[] ts = ce ? targets.clone() : null;
        forEachChunk(
                p,
                s,
                kl ? teacher : null,
                chunkElements,
                (sc, tc, r0, rows) -> Parallelism.forChunks(rows, grain(vocab), (start, end) -> {
                    A scratch = p.alloc(vocab);
                    for (int r = start; r < end; r++) {
                        int i = r0 + r, at = r * vocab;
                        lseS[i] = logSumExp(p, sc, at, vocab, scratch);
                        if (ce && ts[i] != Functions.IGNORE_INDEX) ceRows[i] = lseS[i] - element(p, sc, at + ts[i]);
                        if (kl) {
                            double max = p.max(tc, at, vocab), z = p.expShifted(tc, at, scratch, 0, vocab, max);
                            lseT[i] = max + Math.log(z);
                            klRows[i] = p.weightedDifference(scratch, 0, tc, at, sc, at, vocab) / z - lseT[i] + lseS[i];
                        }
                    }
                }));
        double klSum = 0, ceSum = 0;
        for (int i = 0; i < n; i++) {
            klSum += klRows[i];
            ceSum += ceRows[i];
        }
        double klScale = n == 0 ? 0 : klWeight / n, ceScale = valid == 0 ? 0 : ceWeight / valid;
        double loss = (kl ? klScale * klSum : 0) + (ce ? ceScale * ceSum : 0);
        Tensor value = s.dtype() == DType.F64 ? Tensor.ofDouble(new double[] {loss}) : Tensor.scalar((float) loss);
        return Variable.result(
                value,
                "vocabLoss",
                g -> {
                    double seed = g.item();
                    A grad = p.alloc(n * vocab);
                    forEachChunk(
                            p,
                            s,
                            kl ? teacher : null,
                            chunkElements,
                            (sc, tc, r0, rows) -> Parallelism.forChunks(rows, grain(vocab), (start, end) -> {
                                A scratch = kl ? p.alloc(vocab) : null;
                                for (int r = start; r < end; r++) {
                                    int i = r0 + r, at = r * vocab, out = i * vocab;
                                    boolean counted = ce && ts[i] != Functions.IGNORE_INDEX;
                                    double studentScale = seed * (klScale + (counted ? ceScale : 0));
                                    if (studentScale == 0 && !kl) continue;
                                    p.expShifted(sc, at, grad, out, vocab, lseS[i]);
                                    p.scale(grad, out, vocab, studentScale);
                                    if (kl) {
                                        p.expShifted(tc, at, scratch, 0, vocab, lseT[i]);
                                        p.addScaled(grad, out, scratch, 0, vocab, -seed * klScale);
                                    }
                                    if (counted) p.add(grad, out + ts[i], -seed * ceScale);
                                }
                            }));
                    return new Tensor[] {p.wrap(grad, n, vocab)};
                },
                student);
    }

    /** Checks every target and returns how many are not ignored. */
    private static int checkTargets(int[] targets, int n, int vocab) {
        if (targets == null || targets.length != n) {
            throw new ShapeException("crossEntropy: logits [" + n + ", " + vocab + "] do not match "
                    + (targets == null ? "no" : String.valueOf(targets.length)) + " targets");
        }
        int valid = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == Functions.IGNORE_INDEX) continue;
            if (t < 0 || t >= vocab)
                throw new IndexOutOfBoundsException(
                        "crossEntropy: target " + t + " at row " + i + " out of bounds for vocabulary " + vocab);
            valid++;
        }
        return valid;
    }

    private interface ChunkBody<A> {
        void run(A student, A teacher, int firstRow, int rows);
    }

    /** Copies the student's (and teacher's) rows chunk by chunk and hands each chunk to {@code body}. */
    private static <A> void forEachChunk(
            Precision<A> p, Tensor student, Tensor teacher, int chunkElements, ChunkBody<A> body) {
        int n = student.dim(0), vocab = student.dim(1);
        int chunk = Math.max(1, chunkElements / Math.max(1, vocab));
        for (int r0 = 0; r0 < n; r0 += chunk) {
            int rows = Math.min(chunk, n - r0);
            body.run(
                    p.read(student.slice(0, r0, r0 + rows)),
                    teacher == null ? null : p.read(teacher.slice(0, r0, r0 + rows)),
                    r0,
                    rows);
        }
    }

    private static <A> double logSumExp(Precision<A> p, A x, int at, int n, A scratch) {
        double max = p.max(x, at, n);
        return max + Math.log(p.expShifted(x, at, scratch, 0, n, max));
    }

    private static <A> double element(Precision<A> p, A x, int index) {
        return p.max(x, index, 1); // the maximum of one element is that element
    }

    /** Rows per parallel chunk: enough values that a hand-off pays. */
    private static int grain(int vocab) {
        return Math.max(1, (1 << 14) / Math.max(1, vocab));
    }
}
