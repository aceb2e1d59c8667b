package io.flexigpt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void showsPercentRateAndEtaAndEndsTheLineWhenDone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicLong now = new AtomicLong(5_000_000_000L);
        ProgressBar bar = new ProgressBar(out, "ppl", "tokens", now::get);
        now.addAndGet(4_000_000_000L);
        bar.progress(500, 1000);
        assertEquals("\rppl [===============               ]  50% 500/1000 tokens, 125.0 tokens/s, ETA 0:04",
                bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
        now.addAndGet(4_996_000_000_000L);
        bar.progress(1000, 1000);
        assertEquals("\rppl [==============================] 100% 1000/1000 tokens, 0.2 tokens/s, ETA 0:00"
                + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void longEtasShowHours() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "t", "items", now::get);
        now.set(1_000_000_000L);
        bar.progress(1, 7201);
        assertEquals(true, bytes.toString(StandardCharsets.UTF_8).endsWith("ETA 2:00:00"));
    }
}
