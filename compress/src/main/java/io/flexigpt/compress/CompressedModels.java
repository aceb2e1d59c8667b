package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.tensor.io.SafeTensorsFile;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compressed-model format: a Hugging Face directory ({@code config.json}, {@code model.safetensors})
 * in which every distinct tensor is stored once, q/k in the model's own rotary layout (named in the
 * metadata, so a reload is bit-exact), each in the narrowest of BF16, F16 and F32 that holds its values
 * exactly: frozen weights loaded from a BF16 or F16 checkpoint keep their 16 bits, trained tensors stay F32. A replacement block stores its own norm
 * gains, adapters ({@code ...q_proj.lora_A}, {@code lora_B}) and output scales; its shared base weights are
 * not stored again: the {@code flexigpt} metadata entry says which block each one shares ({@code -1}: no
 * base; its own index: adapters on its own stored weights, as drop + LoRA makes). Loading rebuilds the same
 * sharing, so the loaded model computes exactly the saved one's logits.
 */
public final class CompressedModels {
    private CompressedModels() {}

    static final String FORMAT = "flexigpt-compressed";

    public static void save(Path dir, LlamaModel model, String method) throws IOException {
        LlamaConfig cfg = model.config();
        Map<Variable, String> firstName = new IdentityHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<String> bases = sharedBaseNames(model);
        // a shared weight is stored under its owner's name, never under the name of a block that borrows it
        for (boolean borrowed : new boolean[] {false, true}) {
            for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                if (bases.contains(e.getKey()) != borrowed || firstName.containsKey(e.getValue())) continue;
                firstName.put(e.getValue(), e.getKey());
                tensors.put(e.getKey(), e.getValue().value());
            }
        }
        List<Object> blocks = new ArrayList<>();
        for (int i = 0; i < model.blocks().size(); i++) {
            TransformerBlock b = model.blocks().get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", i);
            if (!(b.attention().q() instanceof SharedLowRankLinear)) {
                entry.put("kind", "plain");
            } else {
                entry.put("kind", "shared");
                SharedLowRankLinear q = (SharedLowRankLinear) b.attention().q();
                entry.put("source", q.base() == null ? -1 : blockOf(firstName.get(q.base())));
                Map<String, Object> ranks = new LinkedHashMap<>();
                for (String m : Projections.NAMES) ranks.put(m, ((SharedLowRankLinear) Projections.get(b, m)).adapterRank());
                entry.put("ranks", ranks);
                entry.put("output_scales", b.attentionScale() != null);
                entry.put("normalised_branches", b.normalisedBranches());
            }
            blocks.add(entry);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", 1);
        meta.put("method", method);
        meta.put("rope_layout", cfg.ropeLayout().name());
        meta.put("config", cfg.toString()); // config.json is written after the weights: load checks the pair
        meta.put("blocks", blocks);
        Files.createDirectories(dir);
        Map<String, String> fileMeta = new LinkedHashMap<>(); // insertion order: the file is byte-reproducible
        fileMeta.put("format", "pt");
        fileMeta.put("flexigpt", Json.write(meta));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors, fileMeta, StoredType::narrowestExact);
        HfCheckpoint.writeConfig(dir, cfg);
    }

    /** The names under which replacement blocks reference a base weight (their own, for LoRA, or another block's). */
    private static Set<String> sharedBaseNames(LlamaModel model) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < model.blocks().size(); i++) {
            TransformerBlock b = model.blocks().get(i);
            for (String m : Projections.NAMES) {
                if (Projections.get(b, m) instanceof SharedLowRankLinear) names.add("model.layers." + i + "." + group(m) + m + ".weight");
            }
        }
        return names;
    }

    /** Adapters and output scales: the tensors only a replacement block has. */
    private static boolean isOwnTensor(String name) {
        return name.contains("lora_") || name.endsWith("output_scale");
    }

    /** The module a projection belongs to: {@code self_attn.} or {@code mlp.}. */
    private static String group(String projection) {
        return List.of("q_proj", "k_proj", "v_proj", "o_proj").contains(projection) ? "self_attn." : "mlp.";
    }

    private static int blockOf(String name) {
        String rest = name.substring("model.layers.".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('.')));
    }

    /** Loads a model saved by {@link #save}. */
    public static LlamaModel load(Path dir) throws IOException {
        LlamaConfig cfg = HfCheckpoint.readConfig(dir);
        Path file = dir.resolve("model.safetensors");
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            String metaText = f.metadata().get("flexigpt");
            if (metaText == null) throw new FormatException(file + ": no 'flexigpt' metadata; not a compressed model (load it as a plain checkpoint)");
            Map<String, Object> meta = Json.object(Json.parse(metaText, file + " metadata"), "metadata", file.toString());
            if (!FORMAT.equals(meta.get("format"))) throw new FormatException(file + ": metadata format is " + meta.get("format") + ", expected " + FORMAT);
            List<Object> blocks = Json.getList(meta, "blocks", file.toString());
            try {
                cfg = cfg.withRopeLayout(RopeLayout.valueOf(Json.getString(meta, "rope_layout", file.toString())));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": unknown rope_layout " + meta.get("rope_layout"));
            }
            if (blocks.size() != cfg.nLayers()) throw new FormatException(file + ": " + blocks.size() + " blocks in metadata, config.json says " + cfg.nLayers());
            Object saved = meta.get("config");
            if (saved != null && !saved.equals(cfg.toString())) {
                throw new FormatException(dir.resolve("config.json") + " does not belong to " + file + " (an interrupted save?): it gives " + cfg
                        + ", the weights were saved with " + saved);
            }
            Map<String, Tensor> stored = new LinkedHashMap<>();
            for (String n : f.names()) stored.put(n, Checkpoints.requireFinite(file, n, f.load(n)));
            Map<String, Tensor> plainWeights = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : stored.entrySet()) if (!isOwnTensor(e.getKey())) plainWeights.put(e.getKey(), e.getValue());
            int[] source = new int[blocks.size()];
            boolean[] shared = new boolean[blocks.size()], normalised = new boolean[blocks.size()];
            for (int i = 0; i < blocks.size(); i++) {
                String where = file + " block " + i;
                Map<String, Object> b = Json.object(blocks.get(i), "block " + i, file.toString());
                String kind = Json.getString(b, "kind", where);
                if (!kind.equals("plain") && !kind.equals("shared")) throw new FormatException(where + ": kind is '" + kind + "', expected plain or shared");
                shared[i] = kind.equals("shared");
                source[i] = shared[i] ? Json.getInt(b, "source", where) : i;
                if (!shared[i]) continue;
                Object norm = b.getOrDefault("normalised_branches", Boolean.FALSE);
                if (!(norm instanceof Boolean)) throw new FormatException(where + ": normalised_branches is " + norm + ", expected true or false");
                normalised[i] = (Boolean) norm;
                if (source[i] < -1 || source[i] >= blocks.size()) throw new FormatException(file + ": block " + i + " shares block " + source[i] + ", which does not exist");
                for (String m : Projections.NAMES) {
                    String prefix = "model.layers." + i + "." + group(m) + m + ".";
                    Tensor a = stored.get(prefix + "lora_A"), bb = stored.get(prefix + "lora_B");
                    if (a == null || bb == null) throw new FormatException(file + ": block " + i + " lacks adapter tensors " + prefix + "lora_A/lora_B");
                    // source == i: adapters on the block's own stored weights (LoRA)
                    if (source[i] == i) continue;
                    Tensor base;
                    if (source[i] >= 0) {
                        String sourceName = "model.layers." + source[i] + "." + group(m) + m + ".weight";
                        base = stored.get(sourceName);
                        if (base == null) throw new FormatException(file + ": block " + i + " shares block " + source[i] + ", but the file has no tensor '" + sourceName + "' (a source must be a stored block)");
                    } else {
                        // no shared base: a standard block is first built on zeros of the adapters' shape, then replaced
                        base = Tensor.zeros(bb.dim(0), a.dim(1));
                    }
                    plainWeights.put(prefix + "weight", base);
                }
            }
            LlamaModel model;
            try {
                model = LlamaModel.fromWeights(cfg, plainWeights);
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": " + e.getMessage(), e);
            }
            java.util.Set<String> used = new java.util.HashSet<>();
            List<TransformerBlock> built = model.blocks().asList();
            for (int i = 0; i < blocks.size(); i++) {
                if (!shared[i]) continue;
                String p = "model.layers." + i + ".";
                Map<String, Tensor[]> adapters = new LinkedHashMap<>();
                for (String m : Projections.NAMES) {
                    String prefix = p + group(m) + m + ".";
                    adapters.put(m, new Tensor[] {stored.get(prefix + "lora_A"), stored.get(prefix + "lora_B")});
                    used.add(prefix + "lora_A");
                    used.add(prefix + "lora_B");
                }
                Tensor sa = stored.get(p + "attn_output_scale"), sm = stored.get(p + "mlp_output_scale");
                for (String name : List.of("attn_output_scale", "mlp_output_scale")) {
                    Tensor t = stored.get(p + name);
                    if (t == null) continue;
                    used.add(p + name);
                    if (t.rank() != 1 || t.dim(0) != cfg.dim()) {
                        throw new FormatException(file + ": tensor '" + p + name + "' has shape " + java.util.Arrays.toString(t.shape()) + ", expected [" + cfg.dim() + "]");
                    }
                }
                try {
                    model.blocks().replace(i, ReplacementBlocks.build(cfg, built.get(i), source[i] >= 0 ? built.get(source[i]) : null, adapters, sa, sm, normalised[i]));
                } catch (IllegalArgumentException e) {
                    throw new FormatException(file + ": block " + i + ": " + e.getMessage(), e);
                }
            }
            for (String name : stored.keySet()) {
                if (isOwnTensor(name) && !used.contains(name)) throw new FormatException(file + ": tensor '" + name + "' belongs to no shared block of the metadata");
            }
            model.freeze();
            return model;
        }
    }
}
