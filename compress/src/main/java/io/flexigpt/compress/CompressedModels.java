package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
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
import java.util.LinkedHashSet;
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
        save(dir, model, method, ProgressListener.NONE);
    }

    /** As {@link #save(Path, LlamaModel, String)}, reporting the bytes of weights written. */
    public static void save(Path dir, LlamaModel model, String method, ProgressListener progress) throws IOException {
        LlamaConfig cfg = model.config();
        Map<Variable, String> storedName = new IdentityHashMap<>();
        Map<String, Tensor> tensors = distinctTensors(model, storedName);
        List<Object> blocks = new ArrayList<>();
        for (int i = 0; i < model.blocks().size(); i++) blocks.add(blockEntry(model, i, storedName));
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
        SafeTensorsWriter.write(
                dir.resolve("model.safetensors"), tensors, fileMeta, StoredType::narrowestExact, progress);
        HfCheckpoint.writeConfig(dir, cfg);
    }

    /**
     * Every distinct tensor of {@code model} once, recording the name each is stored under. A base weight
     * is stored under its owner's name, never under the name of a replacement projection that borrows it;
     * only a base that no plain module owns (LoRA on a block's own weights) is stored under the borrower's.
     */
    private static Map<String, Tensor> distinctTensors(LlamaModel model, Map<Variable, String> storedName) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<String> borrowing = basePositions(model);
        for (boolean borrowed : new boolean[] {false, true}) {
            for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                if (borrowing.contains(e.getKey()) != borrowed || storedName.containsKey(e.getValue())) continue;
                storedName.put(e.getValue(), e.getKey());
                tensors.put(e.getKey(), e.getValue().value());
            }
        }
        return tensors;
    }

    /** The names under which replacement projections hold a base weight (their own, for LoRA, or another block's). */
    private static Set<String> basePositions(LlamaModel model) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < model.blocks().size(); i++) {
            for (Map.Entry<String, Projection> p :
                    model.blocks().get(i).projections().entrySet()) {
                if (p.getValue() instanceof SharedLowRankLinear s && s.base() != null)
                    names.add(HfNames.projectionWeight(i, p.getKey()));
            }
        }
        return names;
    }

    /** Block {@code i}'s metadata entry: plain, or shared with its source, adapter ranks and output scales. */
    private static Map<String, Object> blockEntry(LlamaModel model, int i, Map<Variable, String> storedName) {
        TransformerBlock b = model.blocks().get(i);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("index", i);
        if (!(b.attention().q() instanceof SharedLowRankLinear q)) {
            entry.put("kind", "plain");
            return entry;
        }
        entry.put("kind", "shared");
        entry.put("source", q.base() == null ? -1 : blockOf(model, storedName.get(q.base())));
        Map<String, Object> ranks = new LinkedHashMap<>();
        for (Map.Entry<String, Projection> p : b.projections().entrySet())
            ranks.put(p.getKey(), ((SharedLowRankLinear) p.getValue()).adapterRank());
        entry.put("ranks", ranks);
        entry.put("output_scales", b.attentionScale() != null);
        entry.put("normalised_branches", b.normalisedBranches());
        return entry;
    }

    /** The block a stored tensor name belongs to. */
    private static int blockOf(LlamaModel model, String name) {
        for (int i = 0; i < model.blocks().size(); i++) if (name.startsWith(HfNames.block(i))) return i;
        throw new IllegalStateException("stored tensor '" + name + "' belongs to no block");
    }

    /** Loads a model saved by {@link #save}. */
    public static LlamaModel load(Path dir) throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Layout layout = Layout.read(dir, file, f.metadata().get("flexigpt"), HfCheckpoint.readConfig(dir));
            Map<String, Tensor> stored = new LinkedHashMap<>();
            for (String n : f.names()) stored.put(n, Checkpoints.requireFinite(file, n, f.load(n)));
            rejectStrayTensors(file, layout, stored);
            LlamaModel model = plainModel(file, layout, stored);
            replaceSharedBlocks(file, layout, stored, model);
            model.freeze();
            return model;
        }
    }

    /** What the metadata says of each block: shared or plain, the block whose weights it shares ({@code -1}: none), normalised branches. */
    private record BlockLayout(boolean shared, int source, boolean normalised) {}

    /** The configuration (with the saved rotary layout) and the block layouts of a compressed model's metadata. */
    private record Layout(LlamaConfig config, List<BlockLayout> blocks) {
        static Layout read(Path dir, Path file, String metaText, LlamaConfig cfg) throws FormatException {
            if (metaText == null)
                throw new FormatException(
                        file + ": no 'flexigpt' metadata; not a compressed model (load it as a plain checkpoint)");
            Map<String, Object> meta =
                    Json.object(Json.parse(metaText, file + " metadata"), "metadata", file.toString());
            if (!FORMAT.equals(meta.get("format")))
                throw new FormatException(file + ": metadata format is " + meta.get("format") + ", expected " + FORMAT);
            List<Object> blocks = Json.getList(meta, "blocks", file.toString());
            try {
                cfg = cfg.withRopeLayout(RopeLayout.valueOf(Json.getString(meta, "rope_layout", file.toString())));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": unknown rope_layout " + meta.get("rope_layout"));
            }
            if (blocks.size() != cfg.nLayers())
                throw new FormatException(
                        file + ": " + blocks.size() + " blocks in metadata, config.json says " + cfg.nLayers());
            Object saved = meta.get("config");
            if (saved != null && !saved.equals(cfg.toString())) {
                throw new FormatException(dir.resolve("config.json") + " does not belong to " + file
                        + " (an interrupted save?): it gives " + cfg + ", the weights were saved with " + saved);
            }
            List<BlockLayout> layouts = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++)
                layouts.add(block(file, i, blocks.size(), Json.object(blocks.get(i), "block " + i, file.toString())));
            return new Layout(cfg, layouts);
        }

        private static BlockLayout block(Path file, int i, int count, Map<String, Object> b) throws FormatException {
            String where = file + " block " + i;
            String kind = Json.getString(b, "kind", where);
            if (!kind.equals("plain") && !kind.equals("shared"))
                throw new FormatException(where + ": kind is '" + kind + "', expected plain or shared");
            if (kind.equals("plain")) return new BlockLayout(false, i, false);
            int source = Json.getInt(b, "source", where);
            Object norm = b.getOrDefault("normalised_branches", Boolean.FALSE);
            if (!(norm instanceof Boolean))
                throw new FormatException(where + ": normalised_branches is " + norm + ", expected true or false");
            if (source < -1 || source >= count)
                throw new FormatException(file + ": block " + i + " shares block " + source + ", which does not exist");
            return new BlockLayout(true, source, (Boolean) norm);
        }

        /** The tensors a shared block stores of its own: each projection's adapter factors and the output scales. */
        Set<String> ownTensors(int i) {
            Set<String> names = new LinkedHashSet<>();
            if (!blocks.get(i).shared()) return names;
            for (String m : HfNames.PROJECTIONS) {
                String prefix = HfNames.block(i) + HfNames.projectionPath(m) + ".";
                names.add(prefix + HfNames.ADAPTER_A);
                names.add(prefix + HfNames.ADAPTER_B);
            }
            names.add(HfNames.block(i) + HfNames.ATTENTION_SCALE);
            names.add(HfNames.block(i) + HfNames.MLP_SCALE);
            return names;
        }
    }

    /** Every stored tensor is a plain model's weight or a shared block's own tensor. */
    private static void rejectStrayTensors(Path file, Layout layout, Map<String, Tensor> stored)
            throws FormatException {
        Set<String> known = new HashSet<>(HfNames.shapes(layout.config()).keySet());
        for (int i = 0; i < layout.blocks().size(); i++) known.addAll(layout.ownTensors(i));
        for (String name : stored.keySet()) {
            if (!known.contains(name))
                throw new FormatException(file + ": tensor '" + name
                        + "' belongs to no shared block of the metadata nor to a plain Llama model");
        }
    }

    /**
     * The model with every block built as a plain one: a shared block gets its source's base weights
     * (its own stored ones for LoRA; zeros of the adapters' shape without a base) until it is replaced.
     */
    private static LlamaModel plainModel(Path file, Layout layout, Map<String, Tensor> stored) throws FormatException {
        Map<String, Tensor> plainWeights = new LinkedHashMap<>();
        Set<String> own = new HashSet<>();
        for (int i = 0; i < layout.blocks().size(); i++) own.addAll(layout.ownTensors(i));
        for (Map.Entry<String, Tensor> e : stored.entrySet())
            if (!own.contains(e.getKey())) plainWeights.put(e.getKey(), e.getValue());
        for (int i = 0; i < layout.blocks().size(); i++) {
            BlockLayout b = layout.blocks().get(i);
            if (!b.shared()) continue;
            for (String m : HfNames.PROJECTIONS) {
                Tensor[] ab = adapters(file, stored, i, m);
                if (b.source() == i) continue; // adapters on the block's own stored weights (LoRA)
                Tensor base;
                if (b.source() >= 0) {
                    String sourceName = HfNames.projectionWeight(b.source(), m);
                    base = stored.get(sourceName);
                    if (base == null)
                        throw new FormatException(
                                file + ": block " + i + " shares block " + b.source() + ", but the file has no tensor '"
                                        + sourceName + "' (a source must be a stored block)");
                } else {
                    base = Tensor.zeros(ab[1].dim(0), ab[0].dim(1));
                }
                plainWeights.put(HfNames.projectionWeight(i, m), base);
            }
        }
        try {
            return LlamaModel.fromWeights(layout.config(), plainWeights);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** The stored adapter factors {@code {A, B}} of projection {@code m} of block {@code i}. */
    private static Tensor[] adapters(Path file, Map<String, Tensor> stored, int i, String m) throws FormatException {
        String prefix = HfNames.block(i) + HfNames.projectionPath(m) + ".";
        Tensor a = stored.get(prefix + HfNames.ADAPTER_A), b = stored.get(prefix + HfNames.ADAPTER_B);
        if (a == null || b == null)
            throw new FormatException(file + ": block " + i + " lacks adapter tensors " + prefix + HfNames.ADAPTER_A
                    + "/" + HfNames.ADAPTER_B);
        return new Tensor[] {a, b};
    }

    /** Replaces each shared block by its replacement on the (plain-built) source block's weights. */
    private static void replaceSharedBlocks(Path file, Layout layout, Map<String, Tensor> stored, LlamaModel model)
            throws FormatException {
        LlamaConfig cfg = layout.config();
        List<TransformerBlock> built = model.blocks().asList();
        for (int i = 0; i < layout.blocks().size(); i++) {
            BlockLayout b = layout.blocks().get(i);
            if (!b.shared()) continue;
            Map<String, Tensor[]> adapters = new LinkedHashMap<>();
            for (String m : HfNames.PROJECTIONS) adapters.put(m, adapters(file, stored, i, m));
            Tensor attentionScale = outputScale(file, cfg, stored, HfNames.block(i) + HfNames.ATTENTION_SCALE);
            Tensor mlpScale = outputScale(file, cfg, stored, HfNames.block(i) + HfNames.MLP_SCALE);
            try {
                TransformerBlock source = b.source() >= 0 ? built.get(b.source()) : null;
                model.blocks()
                        .replace(
                                i,
                                ReplacementBlocks.build(
                                        cfg, built.get(i), source, adapters, attentionScale, mlpScale, b.normalised()));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": block " + i + ": " + e.getMessage(), e);
            }
        }
    }

    /** A stored output scale {@code [dim]}, or null when the block has none. */
    private static Tensor outputScale(Path file, LlamaConfig cfg, Map<String, Tensor> stored, String name)
            throws FormatException {
        Tensor t = stored.get(name);
        if (t != null && (t.rank() != 1 || t.dim(0) != cfg.dim())) {
            throw new FormatException(file + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [" + cfg.dim() + "]");
        }
        return t;
    }
}
