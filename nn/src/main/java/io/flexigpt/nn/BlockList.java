package io.flexigpt.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's ordered, editable stack of blocks. Blocks are named by their current index, so after a
 * removal or insertion the state-dict names are renumbered as a freshly built model of that depth would be.
 */
public final class BlockList extends Module {
    private final List<TransformerBlock> blocks = new ArrayList<>();

    public BlockList(List<? extends TransformerBlock> initial) {
        blocks.addAll(initial);
    }

    @Override
    protected Map<String, Module> children() {
        LinkedHashMap<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < blocks.size(); i++) named.put(Integer.toString(i), blocks.get(i));
        return named;
    }

    public int size() {
        return blocks.size();
    }

    public TransformerBlock get(int index) {
        return blocks.get(index);
    }

    /** An unmodifiable snapshot of the blocks in order. */
    public List<TransformerBlock> asList() {
        return Collections.unmodifiableList(new ArrayList<>(blocks));
    }

    public TransformerBlock remove(int index) {
        return blocks.remove(index);
    }

    /** Inserts {@code block} so that it becomes block number {@code index}. */
    public void insert(int index, TransformerBlock block) {
        blocks.add(index, block);
    }

    /** Replaces block {@code index}; returns the block it replaced. */
    public TransformerBlock replace(int index, TransformerBlock block) {
        return blocks.set(index, block);
    }
}
