package io.flexigpt.cli;

import java.util.List;

/**
 * Streams generated text while watching for stop strings: text is released only once no stop string can
 * start in it, and the output ends just before the first stop string that appears.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        for (String s : stops) if (s.isEmpty()) throw new IllegalArgumentException("--stop needs a non-empty string");
        this.stops = List.copyOf(stops);
    }

    /** Adds generated text; returns the part that can be printed now. */
    String add(String text) {
        if (stopped) return "";
        pending.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int keep = 0; // the longest tail of pending that is a proper prefix of some stop string
        String held = pending.toString();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, pending.length()); len > keep; len--) {
                if (held.regionMatches(held.length() - len, s, 0, len)) {
                    keep = len;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Whether a stop string has appeared. */
    boolean stopped() {
        return stopped;
    }

    /** The text held back at the end of generation (it turned out not to start a stop string). */
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
