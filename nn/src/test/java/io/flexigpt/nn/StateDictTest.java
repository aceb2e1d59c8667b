package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Parameters and state dicts: Hugging Face names and shapes, exact round trips through the state dict,
 * shared weights held once, clear errors from {@link Module#loadStateDict}, freezing and block edits.
 */
class StateDictTest {
    static final LlamaConfig UNTIED = TinyModels.config(2, 2, 4, 2, 12, 11, 16, false, RopeLayout.ROTATE_HALF);

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void namesAndShapesFollowTheHuggingFaceLayout() {
        LlamaModel model = LlamaModel.random(UNTIED, 1);
        int d = 16, kv = 8, h = 12, v = 11;
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("model.embed_tokens.weight", new int[] {v, d});
        for (int i = 0; i < 2; i++) {
            String p = "model.layers." + i + ".";
            expected.put(p + "input_layernorm.weight", new int[] {d});
            expected.put(p + "self_attn.q_proj.weight", new int[] {d, d});
            expected.put(p + "self_attn.k_proj.weight", new int[] {kv, d});
            expected.put(p + "self_attn.v_proj.weight", new int[] {kv, d});
            expected.put(p + "self_attn.o_proj.weight", new int[] {d, d});
            expected.put(p + "post_attention_layernorm.weight", new int[] {d});
            expected.put(p + "mlp.gate_proj.weight", new int[] {h, d});
            expected.put(p + "mlp.up_proj.weight", new int[] {h, d});
            expected.put(p + "mlp.down_proj.weight", new int[] {d, h});
        }
        expected.put("model.norm.weight", new int[] {d});
        expected.put("lm_head.weight", new int[] {v, d});
        Map<String, Tensor> state = model.stateDict();
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(state.keySet()));
        expected.forEach(
                (name, shape) -> assertArrayEquals(shape, state.get(name).shape(), name));
        Map<String, int[]> named = HfNames.shapes(UNTIED);
        assertEquals(
                new ArrayList<>(named.keySet()),
                new ArrayList<>(state.keySet()),
                "HfNames spells the model's own names, in its order");
        named.forEach((name, shape) -> assertArrayEquals(shape, state.get(name).shape(), name));

        LlamaModel tied = LlamaModel.random(
                LlamaConfig.builder()
                        .dim(16)
                        .layers(1)
                        .heads(4)
                        .kvHeads(2)
                        .hiddenDim(12)
                        .vocabSize(11)
                        .maxSeqLen(16)
                        .tiedEmbeddings(true)
                        .ropeLayout(RopeLayout.INTERLEAVED)
                        .build(),
                1);
        assertFalse(tied.stateDict().containsKey("lm_head.weight"));
        assertEquals(11, tied.stateDict().size());
    }

    @Test
    void parameterCountMatchesTheConfigFormula() {
        qt(30).forAll(configs()).checkAssert(config -> {
            LlamaModel model = LlamaModel.random(config, 3);
            assertEquals(config.parameterCount(), model.parameterCount());
            long sum = 0;
            for (Variable v : model.parameters()) sum += v.value().numel();
            assertEquals(sum, model.parameterCount());
            assertEquals(model.parameterCount(), model.trainableParameterCount());
        });
    }

    @Test
    void aModelRebuiltFromItsStateDictGivesIdenticalLogits() {
        qt(20).forAll(configs(), longs().all()).checkAssert((config, seed) -> {
            LlamaModel model = TinyModels.model(config, seed);
            int[] tokens = TinyModels.tokens(seed, 6, config.vocabSize());
            Tensor expected = model.logits(tokens);
            assertEquals(
                    0.0,
                    LlamaModel.fromWeights(model.config(), model.stateDict())
                            .logits(tokens)
                            .maxAbsDiff(expected));
            assertEquals(
                    0.0,
                    LlamaModel.fromCheckpoint(model.toCheckpoint())
                            .logits(tokens)
                            .maxAbsDiff(expected));

            LlamaModel other = TinyModels.model(config, seed + 1);
            assertTrue(
                    other.logits(tokens).maxAbsDiff(expected) > 0, "a differently seeded model gave the same logits");
            other.loadStateDict(model.stateDict(), true);
            assertEquals(0.0, other.logits(tokens).maxAbsDiff(expected));
        });
    }

    @Test
    void fromWeightsTakesTheTensorsOverAndLoadStateDictCopies() {
        Map<String, Tensor> weights = TinyModels.weights(UNTIED, 5, 0.5f);
        LlamaModel model = LlamaModel.fromWeights(UNTIED, weights);
        model.stateDict().forEach((name, t) -> assertSame(weights.get(name), t, name + " was copied"));
        int[] tokens = {1, 2, 3};
        Tensor before = model.logits(tokens);
        LlamaModel loaded = LlamaModel.random(UNTIED, 9);
        loaded.loadStateDict(model.stateDict(), true);
        model.stateDict().values().forEach(t -> t.mulInPlace(2));
        assertEquals(
                0.0, loaded.logits(tokens).maxAbsDiff(before), "loadStateDict kept references to the source tensors");
    }

    @Test
    void loadStateDictNamesTheMissingOrMisshapenTensor() {
        LlamaModel model = LlamaModel.random(UNTIED, 1);
        Map<String, Tensor> state =
                new LinkedHashMap<>(LlamaModel.random(UNTIED, 2).stateDict());
        state.remove("model.layers.1.mlp.up_proj.weight");
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state, false));
        assertTrue(
                missing.getMessage().contains("'model.layers.1.mlp.up_proj.weight'")
                        && missing.getMessage().contains("[12, 16]"),
                missing.getMessage());

        state.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros(16, 12));
        IllegalArgumentException shape =
                assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state, false));
        assertTrue(
                shape.getMessage().contains("'model.layers.1.mlp.up_proj.weight'")
                        && shape.getMessage().contains("[16, 12]")
                        && shape.getMessage().contains("expected [12, 16]"),
                shape.getMessage());

        state.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros(12, 16));
        state.put("model.layers.7.mlp.up_proj.weight", Tensor.zeros(12, 16));
        IllegalArgumentException extra =
                assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state, true));
        assertTrue(extra.getMessage().contains("'model.layers.7.mlp.up_proj.weight'"), extra.getMessage());
        model.loadStateDict(state, false);
        assertEquals(
                0.0,
                model.stateDict().get("model.layers.1.mlp.up_proj.weight").abs().sum());
    }

    @Test
    void aRejectedStateDictLeavesEveryParameterUnchanged() {
        LlamaModel model = LlamaModel.random(UNTIED, 1);
        int[] tokens = {1, 2, 3};
        Tensor before = model.logits(tokens);
        Map<String, Tensor> late =
                new LinkedHashMap<>(LlamaModel.random(UNTIED, 2).stateDict());
        late.put("lm_head.weight", Tensor.zeros(11, 15));
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(late, false));
        assertEquals(
                0.0,
                model.logits(tokens).maxAbsDiff(before),
                "a shape mismatch in the last tensor left earlier ones overwritten");

        Map<String, Tensor> unknown =
                new LinkedHashMap<>(LlamaModel.random(UNTIED, 2).stateDict());
        unknown.put("model.layers.7.mlp.up_proj.weight", Tensor.zeros(12, 16));
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(unknown, true));
        assertEquals(
                0.0,
                model.logits(tokens).maxAbsDiff(before),
                "an unknown name under strict left the parameters overwritten");
    }

    /** Two projections over one weight variable, as a shared-weight replacement would hold them. */
    static final class SharedPair extends Module {
        final Linear first, second;

        SharedPair(Variable shared) {
            first = module("first", new Linear(shared));
            second = module("second", new Linear(shared));
            parameter("gain", Tensor.ones(3));
        }
    }

    @Test
    void aSharedWeightIsOneParameterUnderEveryName() {
        Variable shared = Variable.parameter(TensorGens.random(1, 3, 16));
        SharedPair pair = new SharedPair(shared);
        assertEquals(
                List.of("gain", "first.weight", "second.weight"),
                new ArrayList<>(pair.namedParameters().keySet()));
        assertEquals(2, pair.parameters().size());
        assertSame(shared, pair.parameters().get(1));
        assertSame(pair.stateDict().get("first.weight"), pair.stateDict().get("second.weight"));
        assertEquals(3 + 3 * 16, pair.parameterCount());

        Variable x = Variable.constant(TensorGens.random(2, 2, 16));
        pair.first.forward(x).sum().backward();
        Tensor once = shared.grad().copy();
        shared.zeroGrad();
        pair.first.forward(x).add(pair.second.forward(x)).sum().backward();
        assertEquals(
                0.0,
                shared.grad().maxAbsDiff(once.mul(2)),
                1e-6,
                "gradients of both uses must accumulate in the shared weight");

        Map<String, Tensor> state = new LinkedHashMap<>(pair.stateDict());
        state.put("first.weight", Tensor.full(0.25f, 3, 16));
        state.put("second.weight", Tensor.full(0.25f, 3, 16));
        pair.loadStateDict(state, true);
        assertEquals(0.25, pair.second.weight().value().get(2, 15), 0.0);
    }

    @Test
    void aTiedModelUsesTheEmbeddingAsItsHead() {
        LlamaModel tied = LlamaModel.random(
                LlamaConfig.builder()
                        .dim(8)
                        .layers(1)
                        .heads(2)
                        .kvHeads(1)
                        .hiddenDim(6)
                        .vocabSize(9)
                        .maxSeqLen(8)
                        .tiedEmbeddings(true)
                        .build(),
                4);
        assertSame(tied.embedding().weight(), tied.headWeight());
        assertEquals(tied.namedParameters().size(), tied.parameters().size());
        LlamaModel untied = LlamaModel.random(UNTIED, 4);
        assertNotSame(untied.embedding().weight(), untied.headWeight());
        assertSame(untied.namedParameters().get("lm_head.weight"), untied.headWeight());
    }

    @Test
    void freezingAndModesReachEverySubModule() {
        LlamaModel model = LlamaModel.random(UNTIED, 1);
        long blockParams = model.blocks().get(0).parameterCount();
        model.blocks().get(0).freeze();
        assertEquals(model.parameterCount() - blockParams, model.trainableParameterCount());
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            assertEquals(!e.getKey().startsWith("model.layers.0."), e.getValue().requiresGrad(), e.getKey());
        }
        model.freeze();
        assertEquals(0, model.trainableParameterCount());
        assertTrue(model.trainableParameters().isEmpty());
        model.unfreeze();
        assertEquals(model.parameterCount(), model.trainableParameterCount());
    }

    @Test
    void removingAndInsertingBlocksRenumbersTheNames() {
        LlamaConfig three = UNTIED.withLayers(3);
        Map<String, Tensor> weights = TinyModels.weights(three, 7, 0.5f);
        LlamaModel model = LlamaModel.fromWeights(three, weights);
        Tensor secondQ = model.stateDict().get("model.layers.1.self_attn.q_proj.weight");
        TransformerBlock removed = model.blocks().remove(0);
        assertEquals(2, model.config().nLayers());
        assertSame(secondQ, model.stateDict().get("model.layers.0.self_attn.q_proj.weight"));
        assertFalse(model.stateDict().containsKey("model.layers.2.self_attn.q_proj.weight"));

        Map<String, Tensor> renumbered = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            if (k.startsWith("model.layers.0.")) return;
            renumbered.put(
                    k.replace("model.layers.1.", "model.layers.0.").replace("model.layers.2.", "model.layers.1."), v);
        });
        int[] tokens = {3, 1, 4, 1, 5};
        assertEquals(
                0.0,
                model.logits(tokens)
                        .maxAbsDiff(LlamaModel.fromWeights(UNTIED, renumbered).logits(tokens)));

        model.blocks().insert(0, removed);
        assertEquals(
                0.0,
                model.logits(tokens)
                        .maxAbsDiff(LlamaModel.fromWeights(three, weights).logits(tokens)));
        assertEquals(
                Arrays.asList(weights.keySet().toArray()),
                Arrays.asList(model.stateDict().keySet().toArray()));
    }

    @Test
    void randomInitialisationIsSeededAndFollowsItsDocumentedSpread() {
        LlamaConfig c = LlamaConfig.builder()
                .dim(64)
                .layers(4)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(128)
                .vocabSize(256)
                .maxSeqLen(16)
                .build();
        Map<String, Tensor> a = LlamaModel.random(c, 42).stateDict(),
                b = LlamaModel.random(c, 42).stateDict();
        a.forEach((k, v) -> assertEquals(0.0, v.maxAbsDiff(b.get(k)), k));
        assertTrue(LlamaModel.random(c, 43)
                        .stateDict()
                        .get("model.embed_tokens.weight")
                        .maxAbsDiff(a.get("model.embed_tokens.weight"))
                > 0);

        assertEquals(0.02, std(a.get("model.embed_tokens.weight")), 0.002);
        assertEquals(0.02, std(a.get("model.layers.3.mlp.up_proj.weight")), 0.002);
        assertEquals(0.02 / Math.sqrt(8), std(a.get("model.layers.2.self_attn.o_proj.weight")), 0.0007);
        assertEquals(0.02 / Math.sqrt(8), std(a.get("model.layers.0.mlp.down_proj.weight")), 0.0007);
        assertEquals(1.0, a.get("model.layers.1.input_layernorm.weight").mean(), 0.0);
        assertEquals(1.0, a.get("model.norm.weight").mean(), 0.0);
    }

    static double std(Tensor t) {
        return Math.sqrt(t.square().mean() - t.mean() * t.mean());
    }
}
