package io.flexigpt.tensor;

/** Chooses the {@link GemmKernel} once per run and says which, unless FLEXIGPT_QUIET is set. */
final class GemmKernels {
    private GemmKernels() {}

    static final GemmKernel SCALAR = new GemmScalarKernel();
    static final GemmKernel BEST = choose();

    private static GemmKernel choose() {
        GemmKernel k = VectorSupport.AVAILABLE ? GemmVectorKernel.create() : SCALAR;
        if (System.getenv("FLEXIGPT_QUIET") == null) {
            System.err.println("flexigpt: sgemm kernel " + k.describe() + ", " + Parallelism.threads() + " thread(s)");
        }
        return k;
    }
}
