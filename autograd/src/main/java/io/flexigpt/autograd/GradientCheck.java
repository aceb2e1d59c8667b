package io.flexigpt.autograd;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Compares the gradients from {@link Variable#backward()} with central finite differences, in double
 * precision: inputs are converted to fp64, so every op runs its fp64 path and the difference quotient
 * {@code (f(x+h) - f(x-h)) / 2h} with {@code h = 1e-6} is accurate to about 1e-9 relative. The check
 * passes when {@code |analytic - numeric| <= tolerance * (1 + |numeric|)} for every element.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** The largest deviation found and where. */
    public record Result(double maxError, int input, int element, double analytic, double numeric) {
        public boolean passes(double tolerance) {
            return maxError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format(
                    "max scaled error %.3g at input %d element %d (analytic %.10g, numeric %.10g)",
                    maxError, input, element, analytic, numeric);
        }
    }

    public static final double STEP = 1e-6;
    public static final double DEFAULT_TOLERANCE = 1e-6;

    /**
     * Checks the gradient of the scalar {@code f(inputs)} with respect to every input.
     *
     * @param f a function of parameters built from the given values; must return a one-element value
     */
    public static Result check(Function<Variable[], Variable> f, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) x[i] = inputs[i].to(DType.F64).copy();
        Variable[] params = new Variable[x.length];
        for (int i = 0; i < x.length; i++) params[i] = Variable.parameter(x[i]);
        f.apply(params).backward();
        double worst = -1;
        Result result = new Result(0, -1, -1, 0, 0);
        for (int i = 0; i < x.length; i++) {
            Tensor grad = params[i].grad();
            double[] analytic = grad == null ? new double[x[i].numel()] : grad.toDoubleArray();
            double[] flat = x[i].toDoubleArray();
            for (int e = 0; e < flat.length; e++) {
                double orig = flat[e];
                double plus = evaluate(f, x, i, e, orig + STEP, flat);
                double minus = evaluate(f, x, i, e, orig - STEP, flat);
                flat[e] = orig;
                double numeric = (plus - minus) / (2 * STEP);
                double err = Math.abs(analytic[e] - numeric) / (1 + Math.abs(numeric));
                if (err > worst) {
                    worst = err;
                    result = new Result(err, i, e, analytic[e], numeric);
                }
            }
        }
        return result;
    }

    /** Throws an {@link AssertionError} describing the worst element when the check fails. */
    public static void assertGradientsMatch(Function<Variable[], Variable> f, Tensor... inputs) {
        Result r = check(f, inputs);
        if (!r.passes(DEFAULT_TOLERANCE))
            throw new AssertionError("gradient check failed: " + r + " for input shapes " + shapes(inputs));
    }

    private static double evaluate(
            Function<Variable[], Variable> f, Tensor[] x, int input, int element, double value, double[] flat) {
        Variable[] constants = new Variable[x.length];
        for (int i = 0; i < x.length; i++) {
            if (i == input) {
                flat[element] = value;
                constants[i] = Variable.constant(Tensor.ofDouble(flat.clone(), x[i].shape()));
            } else {
                constants[i] = Variable.constant(x[i]);
            }
        }
        try (NoGrad ignored = NoGrad.enter()) {
            return f.apply(constants).value().item();
        }
    }

    private static String shapes(Tensor[] inputs) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : inputs) sb.append(Arrays.toString(t.shape()));
        return sb.toString();
    }
}
