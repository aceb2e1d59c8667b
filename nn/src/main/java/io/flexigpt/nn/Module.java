package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A building block with named, ordered parameters and sub-modules. Parameter names are dotted paths
 * ({@code model.layers.0.self_attn.q_proj.weight}), which are also the keys of the state dict. A
 * parameter may be shared by several modules (weight sharing); {@link #parameters()} lists it once.
 */
public abstract class Module {
    private final LinkedHashMap<String, Variable> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();

    /** Registers a new trainable parameter initialised to {@code init}. */
    protected Variable parameter(String name, Tensor init) {
        return parameter(name, Variable.parameter(init));
    }

    /** Registers an existing variable (possibly owned by another module too) under {@code name}. */
    protected Variable parameter(String name, Variable v) {
        params.put(name, v);
        return v;
    }

    protected <M extends Module> M module(String name, M m) {
        modules.put(name, m);
        return m;
    }

    /** Direct sub-modules by name, in order. */
    protected Map<String, Module> children() {
        return Collections.unmodifiableMap(modules);
    }

    /** Parameters registered on this module itself, by name. */
    protected Map<String, Variable> ownParameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Every parameter under its full dotted name; a shared parameter appears under each of its names. */
    public Map<String, Variable> namedParameters() {
        LinkedHashMap<String, Variable> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Variable> out) {
        for (Map.Entry<String, Variable> e : ownParameters().entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children().entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    /** Distinct parameters (by identity), in first-seen order. */
    public List<Variable> parameters() {
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Variable> out = new ArrayList<>();
        for (Variable v : namedParameters().values()) if (seen.add(v)) out.add(v);
        return out;
    }

    /** Distinct parameters that currently require a gradient. */
    public List<Variable> trainableParameters() {
        List<Variable> out = new ArrayList<>();
        for (Variable v : parameters()) if (v.requiresGrad()) out.add(v);
        return out;
    }

    /** Number of stored scalars: each distinct parameter counted once. */
    public long parameterCount() {
        long n = 0;
        for (Variable v : parameters()) n += v.value().numel();
        return n;
    }

    /** Number of scalars that require a gradient. */
    public long trainableParameterCount() {
        long n = 0;
        for (Variable v : trainableParameters()) n += v.value().numel();
        return n;
    }

    /** Stops gradients to every parameter of this module (and its sub-modules). */
    public void freeze() {
        for (Variable v : parameters()) v.setRequiresGrad(false);
    }

    public void unfreeze() {
        for (Variable v : parameters()) v.setRequiresGrad(true);
    }

    /** Parameter values under their names (shared tensors appear under every name, as the same instance). */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : namedParameters().entrySet())
            out.put(e.getKey(), e.getValue().value());
        return out;
    }

    /**
     * Copies values into the parameters with the same names. Every parameter must be present and of the
     * same shape; with {@code strict}, unknown names in {@code state} are an error too. A frozen parameter
     * may share its tensor with another model, so it is never written: its values must already equal the
     * state dict's. Everything is checked before anything is copied, so a rejected state dict leaves the
     * parameters unchanged.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Variable> mine = namedParameters();
        for (Map.Entry<String, Variable> e : mine.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null)
                throw new IllegalArgumentException("state dict has no tensor '" + e.getKey() + "' (expected shape "
                        + Arrays.toString(e.getValue().shape()) + ")");
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(
                        "state dict tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                                + Arrays.toString(e.getValue().shape()));
            }
        }
        for (Map.Entry<String, Variable> e : mine.entrySet()) {
            Tensor t = state.get(e.getKey()), v = e.getValue().value();
            if (!e.getValue().requiresGrad() && t != v && v.maxAbsDiff(t) != 0) {
                throw new IllegalArgumentException(
                        "state dict tensor '" + e.getKey() + "' differs from the frozen parameter of that name"
                                + " (frozen tensors may be shared with another model and are never overwritten; unfreeze it to load new values)");
            }
        }
        if (strict) {
            for (String name : state.keySet()) {
                if (!mine.containsKey(name))
                    throw new IllegalArgumentException("state dict tensor '" + name + "' matches no parameter of "
                            + getClass().getSimpleName());
            }
        }
        for (Map.Entry<String, Variable> e : mine.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t != e.getValue().value() && e.getValue().requiresGrad())
                e.getValue().value().copyFromInPlace(t);
        }
    }
}
