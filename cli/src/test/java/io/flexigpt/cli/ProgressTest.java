package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.train.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The command line's one progress display: a bar on a terminal, plain lines otherwise, for counts and for training alike. */
class ProgressTest {

    @Test
    void aBarShowsPercentRateAndEtaAndEndsTheLineWhenDone() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong(5_000_000_000L);
        Progress bar = new Progress(new PrintWriter(text), "ppl", "tokens", true, now::get);
        now.addAndGet(4_000_000_000L);
        bar.progress(500, 1000);
        assertEquals(
                "\rppl [===============               ]  50% 500/1000 tokens, 125.0 tokens/s, ETA 0:04",
                text.toString());
        text.getBuffer().setLength(0);
        now.addAndGet(5_000_000_000L);
        bar.progress(1000, 1000);
        assertEquals(
                "\rppl [==============================] 100% 1000/1000 tokens, 100.0 tokens/s, ETA 0:00"
                        + System.lineSeparator(),
                text.toString(),
                "the rate counts the work since the first report");
    }

    @Test
    void longEtasShowHours() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        Progress bar = new Progress(new PrintWriter(text), "t", "items", true, now::get);
        now.set(1_000_000_000L);
        bar.progress(1, 7201);
        assertTrue(text.toString().endsWith("ETA 2:00:00"), text.toString());
    }

    @Test
    void trainingIsABarOnATerminalAndPlainLinesOtherwise() {
        StringWriter bar = new StringWriter(), plain = new StringWriter();
        AtomicLong now = new AtomicLong();
        TrainingListener onTerminal =
                TrainingListener.reporting(new Progress(new PrintWriter(bar), "train", "steps", true, now::get));
        TrainingListener inLog =
                TrainingListener.reporting(new Progress(new PrintWriter(plain), "train", "steps", false, now::get));
        for (TrainingListener l : new TrainingListener[] {onTerminal, inLog}) {
            now.addAndGet(1_000_000_000L);
            l.onStep(1, 2, 3.5, 1e-3, 100);
            l.onEval(1, 3.25);
            now.addAndGet(1_000_000_000L);
            l.onStep(2, 2, 3.0, 1e-3, 120);
        }
        assertTrue(
                bar.toString().startsWith("\rtrain [===============               ]  50% 1/2 steps"), bar.toString());
        assertTrue(
                bar.toString()
                        .contains(
                                "loss 3.500, 100 tokens/s\ntrain: step 1 held-out loss 3.2500\n\rtrain [==============================] 100% 2/2 steps"),
                bar.toString());
        assertTrue(bar.toString().endsWith("loss 3.000, 120 tokens/s" + System.lineSeparator()), bar.toString());
        assertEquals(3, plain.toString().lines().count(), plain.toString());
        assertTrue(plain.toString().startsWith("train: 1/2 steps, "), plain.toString());
        assertTrue(plain.toString().contains("\ntrain: step 1 held-out loss 3.2500\n"), plain.toString());
    }

    @Test
    void plainLinesComeEachTenthNotEachCall() {
        StringWriter plain = new StringWriter();
        AtomicLong now = new AtomicLong();
        Progress p = new Progress(new PrintWriter(plain), "scoring", "tokens", false, now::get);
        for (int done = 1; done <= 1000; done++) p.progress(done, 1000);
        assertEquals(11, plain.toString().lines().count(), "one line per tenth (the first report included): " + plain);
        assertTrue(plain.toString().strip().endsWith("1000/1000 tokens, 0.0 tokens/s, ETA ?"), plain.toString());
    }

    @Test
    void bytesAreShownInMegabytesAndSmallTransfersNotAtAll() {
        StringWriter small = new StringWriter(), large = new StringWriter();
        io.flexigpt.io.ProgressListener quiet = Progress.inMegabytes(new PrintWriter(small), "save");
        quiet.progress(1 << 20, 15L << 20);
        quiet.progress(15L << 20, 15L << 20);
        assertEquals("", small.toString(), "less than 16 MB draws nothing");
        io.flexigpt.io.ProgressListener shown = Progress.inMegabytes(new PrintWriter(large), "load");
        shown.progress(64L << 20, 256L << 20);
        shown.progress(256L << 20, 256L << 20);
        String text = large.toString();
        assertTrue(text.contains("load") && text.contains("256/256 MB"), text);
    }
}
