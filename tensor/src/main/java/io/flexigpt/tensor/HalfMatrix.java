package io.flexigpt.tensor;

import io.flexigpt.tensor.io.HalfFloats;
import java.util.Arrays;

/**
 * A read-only [rows, cols] matrix stored as 16-bit BF16 or F16 bit patterns (half the memory of
 * fp32), meant for frozen weights. Its only fast consumer is the GEMM, which widens the values
 * exactly to fp32 while packing them: {@link #multiplyByTranspose} ({@code x·Wᵀ}) and {@link #multiply}
 * ({@code y·W}) are bit-identical to the same products with {@link #toF32()}. Every other use widens
 * explicitly with {@link #toF32()}; there is no way to write into it.
 */
public final class HalfMatrix {
    private final short[] bits;
    private final boolean bf16;
    private final int rows, cols;

    private HalfMatrix(short[] bits, boolean bf16, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols != bits.length) {
            throw new ShapeException("HalfMatrix: " + bits.length + " values do not fill [" + rows + ", " + cols + "]");
        }
        this.bits = bits;
        this.bf16 = bf16;
        this.rows = rows;
        this.cols = cols;
    }

    /** Wraps row-major BF16 bit patterns (not copied; the caller must not change them afterwards). */
    public static HalfMatrix bf16(short[] bits, int rows, int cols) {
        return new HalfMatrix(bits, true, rows, cols);
    }

    /** Wraps row-major F16 bit patterns (not copied; the caller must not change them afterwards). */
    public static HalfMatrix f16(short[] bits, int rows, int cols) {
        return new HalfMatrix(bits, false, rows, cols);
    }

    /** True for BF16 storage, false for F16. */
    public boolean isBf16() {
        return bf16;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes of element storage (two per element). */
    public long storageBytes() {
        return 2L * bits.length;
    }

    /** The exact fp32 value of element (r, c). */
    public float get(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("HalfMatrix.get: (" + r + ", " + c + ") outside [" + rows + ", " + cols + "]");
        }
        return widen(bits[r * cols + c]);
    }

    /** The raw bit pattern of element (r, c), for writers that keep the 16-bit format. */
    public short bitsAt(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("HalfMatrix.bitsAt: (" + r + ", " + c + ") outside [" + rows + ", " + cols + "]");
        }
        return bits[r * cols + c];
    }

    /** The exact fp32 widening, as a new [rows, cols] tensor. */
    public Tensor toF32() {
        float[] out = new float[bits.length];
        for (int i = 0; i < out.length; i++) out[i] = widen(bits[i]);
        return Tensor.of(out, rows, cols);
    }

    /** {@code x·Wᵀ} for {@code x [..., cols]}: a {@code [..., rows]} tensor (a linear layer's forward). */
    public Tensor multiplyByTranspose(Tensor x) {
        return product(x, true, "multiplyByTranspose");
    }

    /** {@code y·W} for {@code y [..., rows]}: a {@code [..., cols]} tensor (a linear layer's input gradient). */
    public Tensor multiply(Tensor y) {
        return product(y, false, "multiply");
    }

    private Tensor product(Tensor x, boolean transposed, String op) {
        int k = transposed ? cols : rows, n = transposed ? rows : cols;
        if (x.rank() < 1 || x.dim(-1) != k) {
            throw new ShapeException("HalfMatrix." + op + ": input " + Shapes.str(x.shape) + " needs a last axis of " + k
                    + " for a [" + rows + ", " + cols + "] matrix");
        }
        if (x.dtype() != DType.F32) {
            Tensor w = toF32().to(x.dtype());
            return x.matmul(transposed ? w.t() : w);
        }
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.zeros(outShape);
        int m = k == 0 ? Shapes.numel(outShape) / Math.max(n, 1) : x.numel() / k;
        if (out.numel() == 0) return out;
        Tensor a = x.contiguous();
        GemmDriver.sgemmHalfB(GemmKernels.BEST, false, transposed, m, n, k, a.f, a.offset, Math.max(k, 1), bits, bf16, 0,
                Math.max(cols, 1), out.f, 0, n, false);
        return out;
    }

    private float widen(short h) {
        return bf16 ? HalfFloats.bf16ToF32(h) : HalfFloats.f16ToF32(h);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HalfMatrix h && h.bf16 == bf16 && h.rows == rows && h.cols == cols && Arrays.equals(h.bits, bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits) * 31 + (bf16 ? 1 : 0);
    }

    @Override
    public String toString() {
        return "HalfMatrix[" + (bf16 ? "BF16" : "F16") + ", " + rows + "x" + cols + "]";
    }
}
