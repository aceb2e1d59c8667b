package io.flexigpt.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A terminal progress bar: {@code label [=====     ] 50% 500/1000 tokens, 120.0 tokens/s, ETA 0:04},
 * redrawn in place with a carriage return and ended with a newline when the work is done.
 */
public final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final LongSupplier nanoClock;
    private final long start;

    /** A bar on {@code out} timed by {@link System#nanoTime()}. */
    public ProgressBar(PrintStream out, String label, String unit) {
        this(out, label, unit, System::nanoTime);
    }

    ProgressBar(PrintStream out, String label, String unit, LongSupplier nanoClock) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    @Override
    public void progress(long done, long total) {
        double fraction = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %d/%d %s, %.1f %s/s, ETA %s", label,
                "=".repeat(filled), " ".repeat(WIDTH - filled), Math.round(fraction * 100), done, total, unit,
                rate, unit, eta));
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    private static String clock(double seconds) {
        long whole = Math.round(seconds);
        return whole >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
                : String.format(Locale.ROOT, "%d:%02d", whole / 60, whole % 60);
    }
}
