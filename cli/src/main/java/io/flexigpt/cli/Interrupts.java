package io.flexigpt.cli;

import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Ctrl-C during training: the shutdown hook asks the running trainer to stop after its current step and keeps
 * the JVM alive until the command has finished (checkpoint written, message printed). Outside training,
 * Ctrl-C ends the process at once; every file is written to a temporary name first, so nothing is left half-way.
 */
final class Interrupts {
    private static volatile Trainer running;

    private Interrupts() {}

    /**
     * Thrown when a run was stopped by Ctrl-C after saving its checkpoint; the command exits with 130. Unchecked,
     * so that it passes through the library's pipeline, which runs the trainer through a callback.
     */
    static final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }

    /** Installs the hook for this process; {@code commandDone} counts down when the command has returned. */
    static void install(CountDownLatch commandDone) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            Trainer t = running;
                            if (t == null) return;
                            t.requestStop();
                            try {
                                commandDone.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "flexigpt-stop"));
    }

    /**
     * Runs {@code trainer} where Ctrl-C can stop it; if stopped, prints {@code resumeHint} and throws
     * {@link Stopped}, so that nothing after the run (saving a model, writing a report) happens.
     */
    static TrainResult run(Trainer trainer, PrintWriter err, String resumeHint) throws IOException, Stopped {
        TrainResult r;
        running = trainer;
        try {
            r = trainer.run();
        } finally {
            running = null;
        }
        if (r.stoppedEarly()) {
            String message = "stopped at step " + r.endStep() + "; " + resumeHint;
            err.println(message);
            err.flush();
            throw new Stopped(message);
        }
        return r;
    }
}
