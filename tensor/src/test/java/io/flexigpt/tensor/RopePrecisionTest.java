package io.flexigpt.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The rotary embedding rotates fp64 tensors by angles accurate to fp64 and fp32 tensors by fp32-rounded tables. */
class RopePrecisionTest {
    static final int HEAD_DIM = 8, POSITIONS = 300;
    static final double THETA = 10000;

    /** Every pair of a head set to (1, 0), so that the rotated pair is (cos, sin) of its angle. */
    static double[] unitPairs() {
        double[] x = new double[POSITIONS * HEAD_DIM];
        for (int i = 0; i < x.length; i += 2) x[i] = 1;
        return x;
    }

    static double angle(int position, int pair) {
        return position / Math.pow(THETA, 2.0 * pair / HEAD_DIM);
    }

    /** Within a few ulps of the angle (computed as position / freq or position * (1 / freq)), far below fp32's 3e-8. */
    @Test
    void fp64RotationUsesAnglesAccurateToFp64() {
        Tensor out =
                Tensor.ofDouble(unitPairs(), 1, POSITIONS, 1, HEAD_DIM).rope(0, THETA, RopeLayout.INTERLEAVED, false);
        for (int p = 0; p < POSITIONS; p++) {
            for (int i = 0; i < HEAD_DIM / 2; i++) {
                double a = angle(p, i), tolerance = 4 * Math.ulp(a) + Math.ulp(1.0);
                assertEquals(Math.cos(a), out.get(0, p, 0, 2 * i), tolerance, "cos at position " + p + ", pair " + i);
                assertEquals(
                        Math.sin(a), out.get(0, p, 0, 2 * i + 1), tolerance, "sin at position " + p + ", pair " + i);
            }
        }
    }

    @Test
    void fp32RotationUsesTheFp32RoundedTable() {
        Tensor out = Tensor.ofDouble(unitPairs(), 1, POSITIONS, 1, HEAD_DIM)
                .to(DType.F32)
                .rope(0, THETA, RopeLayout.INTERLEAVED, false);
        for (int p = 0; p < POSITIONS; p++) {
            for (int i = 0; i < HEAD_DIM / 2; i++) {
                assertEquals(
                        (float) Math.cos(angle(p, i)),
                        (float) out.get(0, p, 0, 2 * i),
                        "cos at position " + p + ", pair " + i);
                assertEquals(
                        (float) Math.sin(angle(p, i)),
                        (float) out.get(0, p, 0, 2 * i + 1),
                        "sin at position " + p + ", pair " + i);
            }
        }
    }
}
