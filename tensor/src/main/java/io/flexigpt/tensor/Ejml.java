package io.flexigpt.tensor;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Conversions between 2-D tensors and EJML row-major matrices. Dense fp32 tensors that own exactly
 * their storage are wrapped without copying, so writes through either side are visible in the other;
 * every other tensor is copied.
 */
public final class Ejml {
    private Ejml() {}

    /**
     * {@code t} as an fp32 EJML matrix: shares storage when {@code t} is a contiguous fp32 matrix
     * starting at offset 0 of a storage array of exactly its size, otherwise a copy.
     */
    public static FMatrixRMaj toFMatrix(Tensor t) {
        requireMatrix("toFMatrix", t);
        int rows = t.shape[0], cols = t.shape[1];
        if (sharesWholeStorage(t)) return FMatrixRMaj.wrap(rows, cols, t.f);
        return FMatrixRMaj.wrap(rows, cols, t.toFloatArray());
    }

    /** A copy of {@code t} as an fp64 EJML matrix. */
    public static DMatrixRMaj toDMatrix(Tensor t) { // 16-bit tensors are widened by toDoubleArray
        requireMatrix("toDMatrix", t);
        return DMatrixRMaj.wrap(t.shape[0], t.shape[1], t.toDoubleArray());
    }

    /** An fp32 tensor over {@code m}'s data (shared when the array holds exactly the matrix, copied otherwise). */
    public static Tensor fromFMatrix(FMatrixRMaj m) {
        int n = m.numRows * m.numCols;
        float[] data = m.data.length == n ? m.data : Arrays.copyOf(m.data, n);
        return Tensor.of(data, m.numRows, m.numCols);
    }

    /** An fp64 tensor over {@code m}'s data (shared when the array holds exactly the matrix, copied otherwise). */
    public static Tensor fromDMatrix(DMatrixRMaj m) {
        int n = m.numRows * m.numCols;
        double[] data = m.data.length == n ? m.data : Arrays.copyOf(m.data, n);
        return Tensor.ofDouble(data, m.numRows, m.numCols);
    }

    static boolean sharesWholeStorage(Tensor t) {
        return t.f != null && t.offset == 0 && t.f.length == t.numel() && t.isContiguous();
    }

    static void requireMatrix(String op, Tensor t) {
        if (t.rank() != 2) {
            throw new ShapeException(op + ": expected a 2-D matrix, got shape " + Shapes.str(t.shape));
        }
    }
}
