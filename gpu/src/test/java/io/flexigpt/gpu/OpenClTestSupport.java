package io.flexigpt.gpu;

import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.CpuBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * One OpenCL backend shared by all tests (its kernels compile once). Without a usable device the
 * tests are skipped with the reason, except under {@code CI=true}, where that is a failure.
 */
final class OpenClTestSupport {
    static final CpuBackend CPU = new CpuBackend();
    private static OpenClBackend backend;
    private static String unavailable;

    private OpenClTestSupport() {}

    /** Why there is no backend, or null when there is one. */
    static synchronized String unavailableReason() {
        if (backend == null && unavailable == null) {
            try {
                backend = OpenClBackend.open();
            } catch (BackendUnavailableException e) {
                unavailable = e.getMessage();
            }
        }
        return unavailable;
    }

    static boolean onCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** The shared backend; skips the calling JUnit test (fails it under CI) when there is none. */
    static synchronized OpenClBackend backend() {
        if (unavailableReason() != null) {
            String msg = "no usable OpenCL device: " + unavailable;
            if (onCi()) Assertions.fail(msg + " (CI=true requires one; .ci/run installs PoCL)");
            Assumptions.abort(msg + "; skipping the OpenCL tests outside CI");
        }
        return backend;
    }

    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }

    /** Asserts {@code |actual - expected| <= abs + rel·|expected|} elementwise. */
    static void assertClose(float[] expected, DeviceBuffer actual, double abs, double rel, String what) {
        float[] got = actual.read();
        Assertions.assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < got.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            if (!(Math.abs(got[i] - expected[i]) <= tol)) {
                Assertions.fail(what + ": element " + i + " is " + got[i] + ", reference " + expected[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }
}
