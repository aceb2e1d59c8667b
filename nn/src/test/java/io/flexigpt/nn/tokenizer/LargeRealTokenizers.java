package io.flexigpt.nn.tokenizer;

import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The real Hugging Face tokenizers under tokenizers/, each read once per test run (they take seconds to load); they are immutable. */
final class LargeRealTokenizers {
    private static final Map<String, Tokenizer> LOADED = new HashMap<>();
    private static final Map<String, Map<String, Integer>> VOCABULARIES = new HashMap<>();

    private LargeRealTokenizers() {}

    /** {@code name} is a folder under tokenizers/, e.g. "llama3.1". */
    static synchronized Tokenizer get(String name) throws IOException {
        Tokenizer t = LOADED.get(name);
        if (t == null) LOADED.put(name, t = Tokenizers.load(TestData.file("tokenizers/" + name + "/tokenizer.json")));
        return t;
    }

    static synchronized Map<String, Integer> vocabulary(String name) throws IOException {
        Map<String, Integer> v = VOCABULARIES.get(name);
        if (v == null)
            VOCABULARIES.put(
                    name,
                    v = SpecialTokensFromConfigTest.vocabulary(
                            TestData.file("tokenizers/" + name + "/tokenizer.json")));
        return v;
    }
}
