package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The shared-base low-rank projection: {@code y = x (W_s + B A)ᵀ}, or {@code x (B A)ᵀ} without a base, with the base held by reference. */
class SharedLowRankLinearTest {

    @Test
    void computesTheInputTimesBasePlusAdapterProduct() {
        record Case(int in, int out, int rank, int rows, boolean withBase, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 12).generate(in),
                integers().between(1, 12).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 5).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(60).forAll(cases)
                .checkAssert(c -> computesTheInputTimesBasePlusAdapterProduct(
                        c.in(), c.out(), c.rank(), c.rows(), c.withBase(), c.seed()));
    }

    private void computesTheInputTimesBasePlusAdapterProduct(
            int in, int out, int rank, int rows, boolean withBase, long seed) {
        Rng rng = new Rng(seed);
        Tensor w = rng.normal(0, 1, out, in),
                a = rng.normal(0, 1, rank, in),
                b = rng.normal(0, 1, out, rank),
                x = rng.normal(0, 1, rows, in);
        SharedLowRankLinear layer = new SharedLowRankLinear(withBase ? Variable.parameter(w) : null, a, b);
        Tensor effective = b.to(DType.F64).matmul(a.to(DType.F64));
        if (withBase) effective = effective.add(w.to(DType.F64));
        Tensor expected = x.to(DType.F64).matmul(effective.t());
        Tensor got;
        try (NoGrad ignored = NoGrad.enter()) {
            got = layer.forward(Variable.constant(x)).value();
        }
        assertArrayEquals(new int[] {rows, out}, got.shape());
        assertTrue(
                got.to(DType.F64).maxAbsDiff(expected)
                        < 1e-4 * (1 + expected.abs().max(0, false).max(0, false).item()),
                "difference " + got.to(DType.F64).maxAbsDiff(expected));
        assertEquals(in, layer.inFeatures());
        assertEquals(out, layer.outFeatures());
        assertEquals(rank, layer.adapterRank());
    }

    @Test
    void theBaseIsTheSameVariableNotACopy() {
        Variable shared = Variable.parameter(Tensor.ones(3, 4));
        SharedLowRankLinear layer = new SharedLowRankLinear(shared, Tensor.zeros(2, 4), Tensor.zeros(3, 2));
        assertSame(shared, layer.base());
        assertEquals(
                List.of("weight", "lora_A", "lora_B"),
                List.copyOf(layer.namedParameters().keySet()));
        assertSame(shared, layer.namedParameters().get("weight"));
        assertEquals(
                List.of("lora_A", "lora_B"),
                List.copyOf(new SharedLowRankLinear(null, Tensor.zeros(2, 4), Tensor.zeros(3, 2))
                        .namedParameters()
                        .keySet()));
    }

    @Test
    void shapesThatDoNotChainAreRejectedWithTheShapes() {
        IllegalArgumentException chain = assertThrows(
                IllegalArgumentException.class,
                () -> new SharedLowRankLinear(null, Tensor.zeros(2, 4), Tensor.zeros(3, 5)));
        assertTrue(chain.getMessage().contains("[2, 4]") && chain.getMessage().contains("[3, 5]"), chain.getMessage());
        IllegalArgumentException base = assertThrows(
                IllegalArgumentException.class,
                () -> new SharedLowRankLinear(
                        Variable.parameter(Tensor.zeros(3, 5)), Tensor.zeros(2, 4), Tensor.zeros(3, 2)));
        assertTrue(base.getMessage().contains("[3, 5]") && base.getMessage().contains("[3, 4]"), base.getMessage());
    }
}
