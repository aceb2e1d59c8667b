package io.flexigpt.cli;

import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.CompressionRun;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.eval.EvalResult;
import io.flexigpt.eval.report.CompressionReport;
import io.flexigpt.eval.report.HtmlReport;
import io.flexigpt.eval.report.MarkdownTable;
import io.flexigpt.io.AtomicFiles;
import io.flexigpt.nn.LlamaModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the compression pipeline's results into report rows, the printed table and the plain numbers of a {@link CompressionReport}. */
final class CompressionReports {
    private CompressionReports() {}

    /**
     * A report row of {@code model} measured as {@code m}; {@code rate} is the fraction of blocks actually
     * pruned; {@code extra} settings are added after the standard ones.
     */
    static EvalResult row(
            String modelName,
            String method,
            double rate,
            LlamaModel model,
            CompressionRun.Measurement m,
            int seqLen,
            Map<String, Object> extra) {
        ParameterAccount acc = m.account();
        Map<String, Object> settings = new LinkedHashMap<>(); // insertion order: the report is byte-reproducible
        settings.put(HtmlReport.METHOD, method);
        settings.put(HtmlReport.COMPRESSION_RATE, rate);
        settings.put("blocks", model.blocks().size());
        settings.put("stored_parameters", acc.stored());
        settings.put("trainable_parameters", acc.trainable());
        settings.put("context", seqLen);
        settings.putAll(extra);
        return new EvalResult(
                method, "held-out " + modelName, "token_perplexity", m.heldOutPerplexity(), Double.NaN, 0, settings);
    }

    /** A Markdown report: the title, one paragraph per note, the method table (blocks, stored and trainable parameters, held-out perplexity). */
    static void writeMarkdown(Path file, String title, List<String> notes, List<EvalResult> rows) throws IOException {
        StringBuilder md = new StringBuilder("# " + title + "\n\n");
        for (String n : notes) md.append(n).append("\n\n");
        MarkdownTable table = new MarkdownTable()
                .left("method")
                .right("rate")
                .right("blocks")
                .right("stored parameters")
                .right("trainable parameters")
                .right("held-out ppl");
        for (EvalResult r : rows) {
            table.row(
                    r.settings().get(HtmlReport.METHOD),
                    String.format(Locale.ROOT, "%.0f%%", 100 * rate(r)),
                    r.settings().get("blocks"),
                    String.format(Locale.ROOT, "%,d", stored(r)),
                    String.format(Locale.ROOT, "%,d", ((Number) r.settings().get("trainable_parameters")).longValue()),
                    String.format(Locale.ROOT, "%.3f", r.value()));
        }
        AtomicFiles.writeString(file, md.append(table).toString());
    }

    /** The method table as plain text columns. */
    static void printTable(PrintWriter out, List<EvalResult> rows) {
        out.printf("%-22s %6s %7s %12s %12s%n", "method", "rate", "blocks", "stored", "held-out ppl");
        for (EvalResult r : rows) {
            out.printf(
                    "%-22s %5.0f%% %7s %,12d %12.3f%n",
                    r.settings().get(HtmlReport.METHOD),
                    100 * rate(r),
                    r.settings().get("blocks"),
                    stored(r),
                    r.value());
        }
        out.flush();
    }

    private static double rate(EvalResult r) {
        return ((Number) r.settings().get(HtmlReport.COMPRESSION_RATE)).doubleValue();
    }

    private static long stored(EvalResult r) {
        return ((Number) r.settings().get("stored_parameters")).longValue();
    }

    /** One row per pruned block that a replacement took the place of, with its source and residuals; empty when blocks were dropped. */
    static List<CompressionReport.Source> sources(CompressionResult r) {
        List<CompressionReport.Source> rows = new ArrayList<>();
        int[] pruned = r.plan().pruned();
        for (int k = 0; k < pruned.length; k++) {
            Integer source = r.sources().get(pruned[k]);
            if (source == null) continue;
            double error = source >= 0 && k < r.sourceErrors().length && source < r.sourceErrors()[k].length
                    ? r.sourceErrors()[k][source]
                    : Double.NaN;
            double none = k < r.noSharingErrors().length ? r.noSharingErrors()[k] : Double.NaN;
            rows.add(new CompressionReport.Source(pruned[k], source, error, none));
        }
        return rows;
    }

    /** The parameter accounting of a model; "merged" (stored minus adapters) only where adapters merge into plain weights ({@code mergeable}). */
    static CompressionReport.Parameters parameters(String name, ParameterAccount acc, boolean mergeable) {
        return new CompressionReport.Parameters(
                name,
                acc.stored(),
                mergeable ? acc.stored() - acc.adapters() : -1,
                acc.trainable(),
                acc.computePerToken());
    }

    /** "1 block", "3 blocks". */
    static String blocks(int n) {
        return n + (n == 1 ? " block" : " blocks");
    }
}
