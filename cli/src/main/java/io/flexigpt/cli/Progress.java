package io.flexigpt.cli;

import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Long work shown on stderr from the library's progress reports: on a terminal a bar redrawn in place,
 * {@code label [=====     ]  50% 500/1000 tokens, 125.0 tokens/s, ETA 0:04, status}, ended with a newline when the
 * work is done; otherwise a plain line each tenth of the work and at most every 2 s. A note gets a line of its
 * own. Rate and ETA count only the work done since the first report, so a resumed run estimates correctly.
 */
final class Progress implements ProgressListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L, LINE_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long created;
    private long firstDone = -1, firstTime, lastPrint;
    private int lastTenth = -1;
    private boolean printed, barOpen;

    Progress(PrintWriter err, String label, String unit, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.created = nanoClock.getAsLong();
    }

    /** Progress in {@code unit}s, a bar when stderr is a terminal. */
    static Progress of(PrintWriter err, String label, String unit) {
        return new Progress(err, label, unit, System.console() != null, System::nanoTime);
    }

    /** Progress reported in bytes, shown in MB (loading and saving weights); nothing for less than 16 MB, a blink. */
    static ProgressListener inMegabytes(PrintWriter err, String label) {
        Progress bar = of(err, label, "MB");
        return (done, total) -> {
            if (total >= SHOWN_BYTES) bar.progress(done >> 20, total >> 20);
        };
    }

    private static final long SHOWN_BYTES = 16L << 20;

    /** A trainer's steps, losses and held-out evaluations, shown as {@link #of} shows progress. */
    static TrainingListener training(PrintWriter err, String label) {
        return TrainingListener.reporting(of(err, label, "steps"));
    }

    @Override
    public void progress(long done, long total) {
        progress(done, total, "");
    }

    @Override
    public void progress(long done, long total, String status) {
        long now = nanoClock.getAsLong();
        double rate;
        if (firstDone < 0) {
            firstDone = done;
            firstTime = now;
            rate = rate(done, now - created);
        } else {
            rate = rate(done - firstDone, now - firstTime);
        }
        boolean last = done >= total;
        int tenth = total == 0 ? 10 : (int) (10 * done / total);
        boolean due = terminal
                ? !printed || now - lastPrint >= REDRAW_NANOS
                : tenth != lastTenth || now - lastPrint >= LINE_NANOS;
        if (!last && !due) return;
        printed = true;
        lastPrint = now;
        lastTenth = tenth;
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        String counts = String.format(
                Locale.ROOT,
                "%d/%d %s, %.1f %s/s, ETA %s%s",
                done,
                total,
                unit,
                rate,
                unit,
                eta,
                status.isEmpty() ? "" : ", " + status);
        if (terminal) {
            double fraction = total == 0 ? 1 : (double) done / total;
            int filled = (int) Math.round(fraction * WIDTH);
            err.print(String.format(
                    Locale.ROOT,
                    "\r%s [%s%s] %3d%% %s",
                    label,
                    "=".repeat(filled),
                    " ".repeat(WIDTH - filled),
                    Math.round(fraction * 100),
                    counts));
            barOpen = !last;
            if (last) err.println();
        } else {
            err.println(label + ": " + counts);
        }
        err.flush();
    }

    @Override
    public void note(String line) {
        if (barOpen) err.println();
        barOpen = false;
        err.println(label + ": " + line);
        err.flush();
    }

    private static double rate(long done, long nanos) {
        return nanos > 0 ? done / (nanos / 1e9) : 0;
    }

    private static String clock(double seconds) {
        long whole = Math.round(seconds);
        return whole >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
                : String.format(Locale.ROOT, "%d:%02d", whole / 60, whole % 60);
    }
}
