package io.flexigpt.compress;

import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The compression methods by name, all run through the same pipeline: FlexiGPT, its ablations and the
 * baselines. Drop + LoRA gets FlexiGPT's trainable-parameter budget at the same rate and rank.
 */
public enum CompressionMethod {
    FLEXIGPT("flexigpt", "FlexiGPT"),
    FLEXIGPT_PAPER_NORM("flexigpt-paper-norm", "FlexiGPT, normalised branches (paper)"),
    DROP("drop", "ShortGPT (drop)"),
    SLEB("sleb", "SLEB"),
    DROP_LORA("drop-lora", "drop + LoRA"),
    RANDOM_SOURCE("flexigpt-random-source", "ablation: random source"),
    LORA_INIT("flexigpt-lora-init", "ablation: LoRA init"),
    NO_OUTPUT_NORM("flexigpt-no-output-norm", "ablation: no output normalisation"),
    NO_SHARING("flexigpt-no-sharing", "ablation: no sharing");
    private final String id, label;

    CompressionMethod(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The name on the command line. */
    public String id() {
        return id;
    }

    /** The name in tables. */
    public String label() {
        return label;
    }

    /** Whether the compressed model has parameters that recovery trains. */
    public boolean trainable() {
        return this != DROP && this != SLEB;
    }

    public static CompressionMethod byId(String id) {
        List<String> ids = new ArrayList<>();
        for (CompressionMethod m : values()) {
            if (m.id.equals(id)) return m;
            ids.add(m.id);
        }
        throw new IllegalArgumentException("unknown method '" + id + "'; known: " + String.join(", ", ids));
    }

    /** The seed of the methods' random choices (LoRA init, random source) when none is given. */
    public static final long DEFAULT_SEED = 1234;

    /** The FlexiGPT settings of this method (FlexiGPT or one of its ablations) at {@code rate} and {@code rank}. */
    FlexiGptConfig flexiGptConfig(double rate, RankSpec rank, long seed) {
        FlexiGptConfig c = FlexiGptConfig.standard(rate, rank).withSeed(seed);
        switch (this) {
            case FLEXIGPT:
                return c;
            case FLEXIGPT_PAPER_NORM:
                return c.withOutputNormalisation(FlexiGptConfig.OutputNormalisation.PAPER);
            case RANDOM_SOURCE:
                return c.withSourceSelection(FlexiGptConfig.SourceSelection.RANDOM);
            case LORA_INIT:
                return c.withInit(FlexiGptConfig.AdapterInit.LORA);
            case NO_OUTPUT_NORM:
                return c.withOutputNormalisation(FlexiGptConfig.OutputNormalisation.NONE);
            case NO_SHARING:
                return c.withSharing(false);
            default:
                throw new IllegalStateException(id + " is not a FlexiGPT variant");
        }
    }

    /**
     * Compresses {@code teacher} (left unchanged) by this method, pruning by the block importance {@code scores};
     * {@code seed} drives its random choices (LoRA init, random sources).
     */
    public CompressionResult apply(
            LlamaModel teacher, double[] scores, CalibrationData calibration, double rate, RankSpec rank, long seed) {
        return apply(teacher, scores, calibration, rate, rank, seed, ProgressListener.NONE);
    }

    /** As {@link #apply(LlamaModel, double[], CalibrationData, double, RankSpec, long)}, telling {@code sourceSearch} how far FlexiGPT's source search has come. */
    public CompressionResult apply(
            LlamaModel teacher,
            double[] scores,
            CalibrationData calibration,
            double rate,
            RankSpec rank,
            long seed,
            ProgressListener sourceSearch) {
        switch (this) {
            case DROP:
                return Baselines.shortGpt(teacher, scores, rate, true, true);
            case SLEB:
                return Baselines.sleb(teacher, calibration, rate);
            case DROP_LORA: {
                PruningPlan plan = PruningPlan.lowestScores(teacher, scores, rate, true, true);
                return Baselines.dropLora(
                        teacher, scores, rate, true, true, flexiGptTrainable(teacher, plan, rank), seed);
            }
            default:
                return FlexiGpt.compress(teacher, scores, calibration, flexiGptConfig(rate, rank, seed), sourceSearch);
        }
    }

    /**
     * FlexiGPT's trainable parameters when it replaces the blocks of {@code plan}: each replacement's adapters
     * ({@code r(in + out)} per projection), its two norm gains and its two output scales.
     */
    static long flexiGptTrainable(LlamaModel teacher, PruningPlan plan, RankSpec rank) {
        long n = 0;
        int dim = teacher.config().dim();
        for (int p : plan.pruned()) {
            TransformerBlock b = teacher.blocks().get(p);
            for (String m : Projections.NAMES) {
                var w = Projections.linear(b, m).weight().value();
                n += (long) rank.rankFor(w) * (w.dim(0) + w.dim(1));
            }
            n += 4L * dim;
        }
        return n;
    }
}
