package io.flexigpt.cli;

import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.ParameterAccount;
import io.flexigpt.eval.report.CompressionReport;
import io.flexigpt.nn.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns the compression library's results into the plain numbers of a {@link CompressionReport}. */
final class CompressionReports {
    private CompressionReports() {}

    /** One row per pruned block that a replacement took the place of, with its source and residuals; empty when blocks were dropped. */
    static List<CompressionReport.Source> sources(CompressionResult r) {
        List<CompressionReport.Source> rows = new ArrayList<>();
        int[] pruned = r.plan().pruned();
        for (int k = 0; k < pruned.length; k++) {
            Integer source = r.sources().get(pruned[k]);
            if (source == null) continue;
            double error = source >= 0 && k < r.sourceErrors().length && source < r.sourceErrors()[k].length ? r.sourceErrors()[k][source] : Double.NaN;
            double none = k < r.noSharingErrors().length ? r.noSharingErrors()[k] : Double.NaN;
            rows.add(new CompressionReport.Source(pruned[k], source, error, none));
        }
        return rows;
    }

    /** The parameter accounting of {@code model}; "merged" (stored minus adapters) only where adapters merge into plain weights ({@code mergeable}). */
    static CompressionReport.Parameters parameters(String name, LlamaModel model, boolean mergeable) {
        ParameterAccount acc = ParameterAccount.of(model);
        return new CompressionReport.Parameters(name, acc.stored(), mergeable ? acc.stored() - acc.adapters() : -1, acc.trainable(), acc.computePerToken());
    }

    /** "1 block", "3 blocks". */
    static String blocks(int n) {
        return n + (n == 1 ? " block" : " blocks");
    }

    /** The curves of the methods that trained (a recorder that saw no step is left out). */
    static Map<String, double[]> trained(Map<String, LossRecorder> recorders) {
        Map<String, double[]> curves = new java.util.LinkedHashMap<>();
        recorders.forEach((method, rec) -> {
            double[] losses = rec.losses();
            if (losses.length > 0) curves.put(method, losses);
        });
        return curves;
    }
}
