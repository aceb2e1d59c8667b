package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation protocol of a compression (or extension) method: its peak learning rate chosen on
 * validation text from a grid (the same grid for every method, one seed), then several seeds trained at that
 * rate, each scored by token perplexity on test text that nothing was tuned on. Finished runs are kept in a
 * {@link RunStore}, so an interrupted experiment resumes where it stopped.
 */
public final class Protocol {
    private Protocol() {}

    /**
     * The protocol's knobs: the recovery of each seed ({@code recovery}, its seed replaced per run), the rate
     * grid and the steps of each trial, the number of seeds and the window of the test perplexity.
     */
    public record Settings(RecoverySettings recovery, double[] grid, int trialSteps, int seeds, int testWindow) {
        public Settings {
            if (seeds < 1) throw new IllegalArgumentException("at least one seed, got " + seeds);
            if (grid.length == 0) throw new IllegalArgumentException("the learning-rate grid is empty");
        }

        String key() {
            return String.format(
                    Locale.ROOT,
                    "%d:%dx%d|grid=%s|trial=%d|window=%d",
                    recovery.steps(),
                    recovery.batch(),
                    recovery.seqLen(),
                    java.util.Arrays.toString(grid),
                    trialSteps,
                    testWindow);
        }
    }

    /**
     * A model to measure: {@code build(seed)} makes it afresh (compressed or grown from the teacher, its own
     * random choices seeded), {@code loss} is what it trains on ({@code null}: it has nothing to train);
     * {@code blockFraction} is the fraction of the teacher's blocks it prunes (0 for none).
     */
    public record Candidate(String label, double blockFraction, Builder build, LossFunction loss) {
        /** {@code method} at {@code rate} and {@code rank} on the pipeline's teacher, trained (if at all) by distillation from it. */
        public static Candidate of(CompressionPipeline pipeline, CompressionMethod method, double rate, RankSpec rank) {
            LlamaModel teacher = pipeline.teacher();
            return new Candidate(
                    method.label(),
                    (double) PruningPlan.count(teacher.blocks().size(), rate)
                            / teacher.blocks().size(),
                    seed -> pipeline.compress(method, rate, rank, seed).model(),
                    method.trainable() ? Recovery.distillation(teacher, 1.0, 1.0) : null);
        }
    }

    /** Builds a candidate's untrained model for a seed. */
    @FunctionalInterface
    public interface Builder {
        LlamaModel build(long seed);
    }

    /** Results of finished runs by key (e.g. a JSON-lines file); the protocol reads before it trains and writes after. */
    public interface RunStore {
        double[] get(String key);

        void put(String key, double[] values) throws IOException;
    }

    /** One seed's run: its seed, the test perplexity and the wall time of compression + recovery. */
    public record Run(long seed, double testPerplexity, double seconds) {}

    /**
     * A row of the results table: the candidate, the fraction of blocks it prunes, its parameter account, the
     * chosen rate (NaN without training) with the validation losses of the grid, and the runs of every seed.
     */
    public record Row(
            String label,
            double blockFraction,
            ParameterAccount account,
            double lr,
            double[] grid,
            double[] validationLoss,
            List<Run> runs) {
        public double mean() {
            return runs.stream().mapToDouble(Run::testPerplexity).average().orElse(Double.NaN);
        }

        /** The sample standard deviation over seeds (0 for a single run). */
        public double sd() {
            if (runs.size() < 2) return 0;
            double m = mean(), ss = 0;
            for (Run r : runs) ss += (r.testPerplexity() - m) * (r.testPerplexity() - m);
            return Math.sqrt(ss / (runs.size() - 1));
        }

        public double meanSeconds() {
            return runs.stream().mapToDouble(Run::seconds).average().orElse(Double.NaN);
        }
    }

    /**
     * Runs the protocol for {@code candidate}: chooses its rate on {@code data}'s held-out (validation) part,
     * then trains {@code settings.seeds()} seeds on its training part and scores each on {@code test}.
     * {@code key} names the experiment (model, rate, method) in {@code store}.
     */
    public static Row evaluate(
            String key,
            Candidate candidate,
            TokenDataset data,
            List<String> test,
            Tokenizer tokenizer,
            Settings settings,
            RunStore store)
            throws IOException {
        HeldOutText heldOut = new HeldOutText(tokenizer, test, settings.testWindow());
        String base = key + "|" + candidate.label() + "|" + settings.key();
        double lr = Double.NaN;
        double[] losses = new double[0];
        if (candidate.loss() != null) {
            losses = new double[settings.grid().length];
            int best = -1;
            for (int i = 0; i < losses.length; i++) {
                String k = base + "|trial-lr=" + settings.grid()[i];
                double[] saved = store.get(k);
                if (saved == null) {
                    LlamaModel student = candidate.build().build(0);
                    RecoverySettings trial = settings.recovery()
                            .withSteps(settings.trialSteps())
                            .withLr(settings.grid()[i])
                            .withSeed(0);
                    saved = new double[] {LearningRateSearch.trial(student, data, trial, candidate.loss())};
                    store.put(k, saved);
                }
                losses[i] = saved[0];
                if (Double.isFinite(losses[i]) && (best < 0 || losses[i] < losses[best])) best = i;
            }
            if (best < 0)
                throw new IllegalStateException(
                        candidate.label() + ": training diverged at every learning rate of the grid");
            lr = settings.grid()[best];
        }
        List<Run> runs = new ArrayList<>();
        ParameterAccount account = null;
        int seeds = candidate.loss() == null ? 1 : settings.seeds();
        for (long seed = 0; seed < seeds; seed++) {
            String k = base + "|lr=" + lr + "|seed=" + seed;
            double[] saved = store.get(k);
            LlamaModel model = null;
            if (saved == null || account == null) {
                long t0 = System.nanoTime();
                model = candidate.build().build(seed);
                if (candidate.loss() != null && saved == null) {
                    RecoverySettings r = settings.recovery().withLr(lr).withSeed(seed);
                    CompressionPipeline.recover(model, data, r, candidate.loss(), null, CompressionPipeline.Hooks.NONE);
                }
                account = ParameterAccount.of(model);
                if (saved == null) {
                    double ppl = heldOut.perplexity(model);
                    saved = new double[] {ppl, (System.nanoTime() - t0) / 1e9};
                    store.put(k, saved);
                }
            }
            runs.add(new Run(seed, saved[0], saved[1]));
        }
        return new Row(
                candidate.label(),
                candidate.blockFraction(),
                account,
                lr,
                settings.grid().clone(),
                losses,
                runs);
    }
}
