package io.flexigpt.eval.perplexity;

import java.util.ArrayList;
import java.util.List;

/** Lays out the windows of one document of {@code length} tokens (BOS included) for a setting. */
final class WindowPlan {
    private WindowPlan() {}

    static List<Window> windows(int document, int length, PerplexitySettings settings) {
        int context = settings.contextLength();
        return switch (settings.mode()) {
            case NON_OVERLAPPING -> nonOverlapping(document, length, context);
            case SLIDING -> sliding(document, length, context, settings.stride());
            case ROLLING -> rolling(document, length, context);
        };
    }

    private static List<Window> nonOverlapping(int document, int length, int context) {
        List<Window> windows = new ArrayList<>();
        for (int start = 0; start + context <= length; start += context) {
            windows.add(new Window(document, start, start + context, start + 1));
        }
        return windows;
    }

    private static List<Window> sliding(int document, int length, int context, int stride) {
        List<Window> windows = new ArrayList<>();
        int previousEnd = 0;
        for (int begin = 0; previousEnd < length; begin += stride) {
            int end = Math.min(begin + context, length);
            int from = Math.max(previousEnd, begin + 1);
            if (from < end) {
                windows.add(new Window(document, begin, end, from));
            }
            previousEnd = end;
        }
        return windows;
    }

    private static List<Window> rolling(int document, int length, int context) {
        List<Window> windows = new ArrayList<>();
        for (int from = 1; from < length; ) {
            int end = Math.min(from + context, length);
            windows.add(new Window(document, Math.max(0, end - context - 1), end, from));
            from = end;
        }
        return windows;
    }
}
