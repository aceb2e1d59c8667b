package io.flexigpt.tensor.testing;

import org.quicktheories.QuickTheory;

/**
 * QuickTheories runs from one fixed seed: every run checks the same examples, so a failure reproduces.
 * A property is {@code qt(examples).forAll(generators...).checkAssert(law)}.
 */
public final class SeededTheory {
    /** The seed of every property run. */
    public static final long SEED = 20_260_101L;

    private SeededTheory() {}

    /** A run of {@code examples} examples from {@link #SEED}; a failure is shrunk for at most 200 cycles. */
    public static QuickTheory qt(int examples) {
        return QuickTheory.qt().withFixedSeed(SEED).withExamples(examples).withShrinkCycles(200);
    }

    /** A check that may throw a checked exception (an I/O or format error), which then fails the example. */
    public interface Check {
        /** Runs the check. */
        void run() throws Exception;
    }

    /** Runs {@code check} inside a QuickTheories law, rethrowing a checked exception as the failure's cause. */
    public static void holds(Check check) {
        try {
            check.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
