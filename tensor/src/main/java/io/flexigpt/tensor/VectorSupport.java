package io.flexigpt.tensor;

/**
 * Gatekeeper for the Vector API ({@code jdk.incubator.vector}): elementwise and reduction kernels ask
 * here first and fall back to scalar loops when the module is absent. {@link VectorKernels} is only
 * loaded after the check succeeds.
 */
final class VectorSupport {
    private VectorSupport() {}

    static final boolean AVAILABLE = detect();

    private static boolean detect() {
        if (Boolean.getBoolean("flexigpt.noVector")) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return VectorKernels.lanes() > 1;
        } catch (Throwable t) {
            return false;
        }
    }

    static boolean unary(Elementwise.Unary op, float[] x, int ox, float[] o, int oo, int n) {
        return VectorKernels.unary(op, x, ox, o, oo, n);
    }

    static boolean binary(Elementwise.Binary op, float[] x, int ox, float[] y, int oy, float[] o, int oo, int n) {
        return VectorKernels.binary(op, x, ox, y, oy, o, oo, n);
    }

    static double dot(float[] x, int ox, float[] y, int oy, int n) {
        return VectorKernels.dot(x, ox, y, oy, n);
    }

    static double expShifted(float[] x, int ox, float[] o, int oo, int n, float shift) {
        return VectorKernels.expShifted(x, ox, o, oo, n, shift);
    }

    /** Vectorised part of silu's gradient; returns how many leading elements it wrote. */
    static int siluBackward(float[] x, int ox, float[] g, int og, float[] o, int oo, int n) {
        return VectorKernels.siluBackward(x, ox, g, og, o, oo, n);
    }

    static double sumSquares(float[] x, int ox, int n) {
        return VectorKernels.sumSquares(x, ox, n);
    }
}
