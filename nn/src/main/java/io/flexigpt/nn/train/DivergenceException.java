package io.flexigpt.nn.train;

/**
 * Training produced a non-finite number (loss, gradient or updated weight). The run stops at that step
 * without writing a checkpoint, so the last good checkpoint stays as it was.
 */
public final class DivergenceException extends RuntimeException {
    private final int step;

    DivergenceException(int step, String what, String checkpointNote) {
        super("training diverged at step " + step + ": " + what + checkpointNote);
        this.step = step;
    }

    /** The step (1-based) at which the non-finite value appeared. */
    public int step() {
        return step;
    }
}
