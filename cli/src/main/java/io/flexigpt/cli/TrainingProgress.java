package io.flexigpt.cli;

import io.flexigpt.nn.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on stderr: on a terminal a bar redrawn in place with step, loss, rate and ETA; otherwise a
 * plain line at most every 2 s. The ETA counts only the steps of this run, so a resumed run estimates correctly.
 */
final class TrainingProgress implements TrainingListener {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private final long origin = System.nanoTime();
    private int firstStep = -1;
    private long lastPrint;
    private boolean barOpen;

    TrainingProgress(PrintWriter err, String label, boolean terminal) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
    }

    static TrainingListener of(PrintWriter err, String label) {
        return new TrainingProgress(err, label, System.console() != null);
    }

    @Override
    public void onStep(int step, int total, double loss, double lr, double tokensPerSecond) {
        long now = System.nanoTime();
        if (firstStep < 0) firstStep = step - 1;
        boolean last = step == total;
        if (!last && now - lastPrint < (terminal ? 200_000_000L : 2_000_000_000L)) return;
        lastPrint = now;
        long eta = Math.round((now - origin) / 1e9 / (step - firstStep) * (total - step));
        String status = String.format(Locale.ROOT, "step %d/%d loss %.3f, %.0f tokens/s, ETA %d:%02d", step, total, loss, tokensPerSecond, eta / 60, eta % 60);
        if (terminal) {
            int filled = (int) Math.round((double) step / total * WIDTH);
            err.print("\r" + label + " [" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + status);
            barOpen = !last;
            if (last) err.println();
        } else {
            err.println(label + ": " + status);
        }
        err.flush();
    }

    @Override
    public void onEval(int step, double heldOutLoss) {
        if (barOpen) err.println();
        barOpen = false;
        err.printf(Locale.ROOT, "%s: step %d held-out loss %.4f%n", label, step, heldOutLoss);
        err.flush();
    }
}
