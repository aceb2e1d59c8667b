package io.flexigpt.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class LinalgEjmlInteropTest {

    @Test
    void denseFp32MatrixIsWrappedAndWritesAreVisibleBothWays() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        FMatrixRMaj m = Ejml.toFMatrix(t);
        assertEquals(2, m.numRows);
        assertEquals(3, m.numCols);
        m.set(1, 2, 60f);
        assertEquals(60, t.get(1, 2));
        t.setInPlace(-1, 0, 1);
        assertEquals(-1f, m.get(0, 1));
    }

    @Test
    void viewsAndFp64TensorsAreCopiedWithTheRightValues() {
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        FMatrixRMaj transposed = Ejml.toFMatrix(base.t());
        assertEquals(3, transposed.numRows);
        assertEquals(4f, transposed.get(0, 1));
        transposed.set(0, 1, 40f);
        assertEquals(4, base.get(1, 0), "a copy does not write back");

        FMatrixRMaj sliced = Ejml.toFMatrix(base.slice(0, 1, 2));
        assertArrayEquals(new float[] {4, 5, 6}, sliced.data);
        sliced.set(0, 0, 0f);
        assertEquals(4, base.get(1, 0));

        FMatrixRMaj fromDouble = Ejml.toFMatrix(Tensor.ofDouble(new double[] {0.5, 1.5}, 1, 2));
        assertArrayEquals(new float[] {0.5f, 1.5f}, fromDouble.data);
        DMatrixRMaj d = Ejml.toDMatrix(base.t());
        assertEquals(6.0, d.get(2, 1));
    }

    @Test
    void tensorsFromEjmlMatricesWrapTheirData() {
        FMatrixRMaj m = new FMatrixRMaj(2, 2, true, 1, 2, 3, 4);
        Tensor t = Ejml.fromFMatrix(m);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        m.set(1, 0, 30f);
        assertEquals(30, t.get(1, 0));

        Tensor d = Ejml.fromDMatrix(new DMatrixRMaj(2, 1, true, 0.25, 0.75));
        assertEquals(DType.F64, d.dtype());
        assertEquals(0.75, d.get(1, 0));

        FMatrixRMaj shrunk = new FMatrixRMaj(3, 3);
        shrunk.reshape(1, 2);
        shrunk.set(0, 1, 7f);
        assertArrayEquals(new float[] {0, 7}, Ejml.fromFMatrix(shrunk).toFloatArray());
    }

    @Test
    void nonMatricesAreRejectedNamingTheShape() {
        ShapeException e = assertThrows(ShapeException.class, () -> Ejml.toFMatrix(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("toFMatrix") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
