package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.RopeLayout;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.FormatException;
import io.flexigpt.tensor.io.Json;
import io.flexigpt.tensor.io.SafeTensorsFile;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressed-model format: a Hugging Face directory ({@code config.json}, {@code model.safetensors})
 * in which every distinct tensor is stored once, q/k in the model's own rotary layout (named in the
 * metadata, so a reload is bit-exact). A replacement block stores its own norm
 * gains, adapters ({@code ...q_proj.lora_A}, {@code lora_B}) and output scales; its shared base weights are
 * not stored again: the {@code flexigpt} metadata entry says which block each one shares. Loading rebuilds
 * the same sharing, so the loaded model computes exactly the saved one's logits.
 */
public final class CompressedModels {
    private CompressedModels() {}

    static final String FORMAT = "flexigpt-compressed";

    public static void save(Path dir, LlamaModel model, String method) throws IOException {
        LlamaConfig cfg = model.config();
        Map<Variable, String> firstName = new IdentityHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            if (firstName.containsKey(e.getValue())) continue;
            firstName.put(e.getValue(), e.getKey());
            tensors.put(e.getKey(), e.getValue().value());
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
            }
            blocks.add(entry);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", 1);
        meta.put("method", method);
        meta.put("rope_layout", cfg.ropeLayout().name());
        meta.put("blocks", blocks);
        Files.createDirectories(dir);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt", "flexigpt", Json.write(meta)), StoredType.F32);
        HfCheckpoint.writeConfig(dir, cfg);
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
            Map<String, Tensor> stored = new LinkedHashMap<>();
            for (String n : f.names()) stored.put(n, f.load(n));
            Map<String, Tensor> plainWeights = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : stored.entrySet()) if (!e.getKey().contains("lora_") && !e.getKey().endsWith("output_scale")) plainWeights.put(e.getKey(), e.getValue());
            int[] source = new int[blocks.size()];
            for (int i = 0; i < blocks.size(); i++) {
                Map<String, Object> b = Json.object(blocks.get(i), "block " + i, file.toString());
                source[i] = "shared".equals(b.get("kind")) ? Json.getInt(b, "source", file + " block " + i) : i;
                if (source[i] != i) {
                    if (source[i] < -1 || source[i] >= blocks.size()) throw new FormatException(file + ": block " + i + " shares block " + source[i] + ", which does not exist");
                    // a standard block is first built on the source's weights (or zeros without a source), then replaced
                    for (String m : Projections.NAMES) {
                        String suffix = (m.endsWith("_proj") && List.of("q_proj", "k_proj", "v_proj", "o_proj").contains(m) ? "self_attn." : "mlp.") + m + ".weight";
                        Tensor base = source[i] >= 0 ? stored.get("model.layers." + source[i] + "." + suffix) : null;
                        if (base == null) base = Tensor.zeros(stored.get("model.layers." + i + "." + suffix.replace(".weight", ".lora_B")).dim(0),
                                stored.get("model.layers." + i + "." + suffix.replace(".weight", ".lora_A")).dim(1));
                        plainWeights.put("model.layers." + i + "." + suffix, base);
                    }
                }
            }
            LlamaModel model;
            try {
                model = LlamaModel.fromWeights(cfg, plainWeights);
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": " + e.getMessage(), e);
            }
            List<TransformerBlock> built = model.blocks().asList();
            for (int i = 0; i < blocks.size(); i++) {
                if (source[i] == i) continue;
                String p = "model.layers." + i + ".";
                Map<String, Tensor[]> adapters = new LinkedHashMap<>();
                for (String m : Projections.NAMES) {
                    String prefix = p + (List.of("q_proj", "k_proj", "v_proj", "o_proj").contains(m) ? "self_attn." : "mlp.") + m + ".";
                    Tensor a = stored.get(prefix + "lora_A"), bb = stored.get(prefix + "lora_B");
                    if (a == null || bb == null) throw new FormatException(file + ": block " + i + " lacks adapter tensors " + prefix + "lora_A/lora_B");
                    adapters.put(m, new Tensor[] {a, bb});
                }
                Tensor sa = stored.get(p + "attn_output_scale"), sm = stored.get(p + "mlp_output_scale");
                TransformerBlock replacement = ReplacementBlocks.build(cfg, built.get(i), source[i] >= 0 ? built.get(source[i]) : null, adapters, sa, sm);
                model.blocks().replace(i, replacement);
            }
            model.freeze();
            return model;
        }
    }
}
