package io.flexigpt.cli;

import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** Runs a trainer so that Ctrl-C asks it to stop after the current step and waits for its checkpoint. */
final class Interrupts {
    private Interrupts() {}

    static TrainResult run(Trainer trainer) throws IOException {
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
            return trainer.run();
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
