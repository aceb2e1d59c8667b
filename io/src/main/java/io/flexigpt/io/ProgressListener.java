package io.flexigpt.io;

/**
 * Told how far long work has come: training steps, scored tokens or requests, searched pairs. The library's
 * layers report through it and never draw; the command line draws bars from it. The unit is stated by the
 * reporter.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};

    /** {@code done} of {@code total} units are finished; called with non-decreasing {@code done}. */
    void progress(long done, long total);

    /** As {@link #progress(long, long)}, with a short status of the work so far (such as a training loss). */
    default void progress(long done, long total, String status) {
        progress(done, total);
    }

    /** A result worth a line of its own (such as a held-out loss), kept rather than redrawn. */
    default void note(String line) {}
}
