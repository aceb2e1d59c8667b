package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.GradientCheck;
import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A projection is the sum of its terms {@code scale · F₁ ⋯ Fₙ}: {@link Projection#forward} computes
 * {@code x (Σ scale · F₁ ⋯ Fₙ)ᵀ} with the gradients of that map, and terms whose factors do not chain are
 * rejected with their shapes.
 */
class LinearTermTest {
    /** A projection made of the given terms. */
    static final class Terms extends Projection {
        private final List<LinearTerm> terms;

        Terms(List<LinearTerm> terms) {
            this.terms = terms;
        }

        @Override
        public List<LinearTerm> terms() {
            return terms;
        }

        @Override
        public int inFeatures() {
            return terms.get(0).inFeatures();
        }

        @Override
        public int outFeatures() {
            return terms.get(0).outFeatures();
        }
    }

    /** Factor shapes of random terms from {@code in} to {@code out}: each term a chain of 1 to 3 matrices. */
    static List<int[][]> termShapes(Rng rng, int in, int out) {
        List<int[][]> shapes = new ArrayList<>();
        int count = 1 + rng.nextInt(3);
        for (int t = 0; t < count; t++) {
            int factors = 1 + rng.nextInt(3);
            int[] dims = new int[factors + 1];
            dims[0] = out;
            dims[factors] = in;
            for (int f = 1; f < factors; f++) dims[f] = 1 + rng.nextInt(4);
            int[][] s = new int[factors][];
            for (int f = 0; f < factors; f++) s[f] = new int[] {dims[f], dims[f + 1]};
            shapes.add(s);
        }
        return shapes;
    }

    @Test
    void forwardIsTheInputTimesTheSumOfTheScaledProducts() {
        qt(60).forAll(
                        integers().between(1, 4),
                        integers().between(1, 6),
                        integers().between(1, 6),
                        longs().all())
                .checkAssert((rows, in, out, seed) -> {
                    Rng rng = new Rng(seed);
                    List<LinearTerm> terms = new ArrayList<>();
                    Tensor weight = Tensor.zeros(DType.F64, out, in);
                    for (int[][] shapes : termShapes(rng, in, out)) {
                        double scale = rng.nextInt(2) == 0 ? 1 : 4 * rng.nextDouble() - 2;
                        List<Variable> factors = new ArrayList<>();
                        Tensor product = null;
                        for (int[] s : shapes) {
                            Tensor f = rng.normal(0, 1, s);
                            factors.add(Variable.parameter(f));
                            product = product == null ? f.to(DType.F64) : product.matmul(f.to(DType.F64));
                        }
                        terms.add(new LinearTerm(scale, factors));
                        weight = weight.add(product.mul(scale));
                    }
                    Tensor x = rng.normal(0, 1, rows, in);
                    Tensor expected = x.to(DType.F64).matmul(weight.t());
                    Tensor got;
                    try (NoGrad ignored = NoGrad.enter()) {
                        got = new Terms(terms).forward(Variable.constant(x)).value();
                    }
                    assertArrayEquals(new int[] {rows, out}, got.shape());
                    double scale =
                            1 + expected.abs().max(-1, false).max(0, false).item();
                    assertTrue(
                            got.to(DType.F64).maxAbsDiff(expected) < 1e-4 * scale,
                            "difference " + got.to(DType.F64).maxAbsDiff(expected));
                });
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        qt(25).forAll(
                        integers().between(1, 3),
                        integers().between(1, 4),
                        integers().between(1, 4),
                        longs().all())
                .checkAssert((rows, in, out, seed) -> {
                    Rng rng = new Rng(seed);
                    List<int[][]> shapes = termShapes(rng, in, out);
                    double[] scales = new double[shapes.size()];
                    List<Tensor> inputs = new ArrayList<>(List.of(rng.normal(0, 1, rows, in)));
                    for (int t = 0; t < shapes.size(); t++) {
                        scales[t] = 4 * rng.nextDouble() - 2;
                        for (int[] s : shapes.get(t)) inputs.add(rng.normal(0, 1, s));
                    }
                    Tensor probe = rng.normal(0, 1, rows, out).to(DType.F64);
                    GradientCheck.assertGradientsMatch(
                            v -> {
                                List<LinearTerm> terms = new ArrayList<>();
                                int next = 1;
                                for (int t = 0; t < shapes.size(); t++) {
                                    List<Variable> factors = new ArrayList<>();
                                    for (int f = 0; f < shapes.get(t).length; f++) factors.add(v[next++]);
                                    terms.add(new LinearTerm(scales[t], factors));
                                }
                                return new Terms(terms)
                                        .forward(v[0])
                                        .mul(Variable.constant(probe))
                                        .sum();
                            },
                            inputs.toArray(Tensor[]::new));
                });
    }

    @Test
    void termsThatAreNotChainsOfMatricesAreRejected() {
        Variable a = Variable.parameter(Tensor.zeros(3, 4)), b = Variable.parameter(Tensor.zeros(5, 2));
        IllegalArgumentException chain = assertThrows(IllegalArgumentException.class, () -> LinearTerm.of(a, b));
        assertTrue(chain.getMessage().contains("[3, 4]") && chain.getMessage().contains("[5, 2]"), chain.getMessage());
        IllegalArgumentException vector =
                assertThrows(IllegalArgumentException.class, () -> LinearTerm.of(Variable.parameter(Tensor.zeros(4))));
        assertTrue(vector.getMessage().contains("2-D") && vector.getMessage().contains("[4]"), vector.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearTerm(1, List.of()));
        IllegalArgumentException scale =
                assertThrows(IllegalArgumentException.class, () -> new LinearTerm(Double.NaN, List.of(a)));
        assertTrue(scale.getMessage().contains("NaN"), scale.getMessage());
        LinearTerm product = LinearTerm.of(a, Variable.parameter(Tensor.zeros(4, 7)));
        assertEquals(3, product.outFeatures());
        assertEquals(7, product.inFeatures());
        assertEquals(List.of(a, product.factors().get(1)), product.factors());
    }
}
