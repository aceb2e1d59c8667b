package io.flexigpt.autograd;

/**
 * A scope in which ops record no graph (inference, evaluation, optimiser updates):
 * {@code try (NoGrad scope = NoGrad.enter()) { ... }}. Scopes nest and are per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {}

    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** True when the current thread is inside a no-grad scope. */
    public static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
