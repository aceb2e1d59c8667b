package io.flexigpt.cli;

import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Runs a trainer so that Ctrl-C asks it to stop after the current step and waits for its checkpoint. */
final class Interrupts {
    private Interrupts() {}

    /** Thrown when a run was stopped by Ctrl-C after saving its checkpoint; the command exits with 130. */
    static final class Stopped extends Exception {
        Stopped(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code trainer}; if Ctrl-C stops it, prints {@code resumeHint} (before the JVM may exit) and throws
     * {@link Stopped}, so that nothing after the run (saving a model, writing a report) happens half-way.
     */
    static TrainResult run(Trainer trainer, PrintWriter err, String resumeHint) throws IOException, Stopped {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flexigpt-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainResult r = trainer.run();
            if (r.stoppedEarly()) {
                String message = "stopped at step " + r.endStep() + "; " + resumeHint;
                err.println(message);
                err.flush();
                throw new Stopped(message);
            }
            return r;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping: the hook has done its job
            }
        }
    }
}
