package io.flexigpt.cli;

import io.flexigpt.eval.ProgressBar;
import io.flexigpt.eval.ProgressListener;
import java.io.PrintStream;
import java.io.PrintWriter;

/** Progress for long work: a redrawn bar with rate and ETA on a terminal, otherwise a plain line every 10%. */
final class Progress {
    private Progress() {}

    static ProgressListener of(PrintWriter err, String label, String unit) {
        if (System.console() != null) return new ProgressBar(new PrintStream(System.err, true), label, unit);
        long start = System.nanoTime();
        int[] lastDecile = {-1};
        return (done, total) -> {
            int decile = total == 0 ? 10 : (int) (10 * done / total);
            if (decile == lastDecile[0]) return;
            lastDecile[0] = decile;
            double s = (System.nanoTime() - start) / 1e9;
            err.printf("%s: %d/%d %s (%.0f %s/s)%n", label, done, total, unit, done / Math.max(s, 1e-9), unit);
            err.flush();
        };
    }
}
