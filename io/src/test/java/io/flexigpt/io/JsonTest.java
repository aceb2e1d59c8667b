package io.flexigpt.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class JsonTest {
    /** A run of {@code examples} examples from one fixed seed, as tensor's SeededTheory does (this module is below it). */
    private static QuickTheory qt(int examples) {
        return QuickTheory.qt()
                .withFixedSeed(20_260_101L)
                .withExamples(examples)
                .withShrinkCycles(200);
    }

    private interface Check {
        void run() throws FormatException;
    }

    /** Runs {@code check} inside a law, a format error failing the example. */
    private static void holds(Check check) {
        try {
            check.run();
        } catch (FormatException e) {
            throw new AssertionError(e);
        }
    }

    /** JSON values nested up to three levels of lists and objects, with escapes, surrogate pairs and extreme numbers. */
    static Gen<Object> trees() {
        return trees(3);
    }

    private static Gen<Object> trees(int depth) {
        Gen<Object> leaf = Generate.oneOf(
                texts().map(s -> (Object) s),
                lists().of(arbitrary()
                                .pick(
                                        "\"",
                                        "\\",
                                        "/",
                                        "\b",
                                        "\f",
                                        "\n",
                                        "\r",
                                        "\t",
                                        "\u0000",
                                        "\u001f",
                                        "\u00e9",
                                        "\ud83d\ude00"))
                        .ofSizeBetween(0, 6)
                        .map(parts -> (Object) String.join("", parts)),
                longs().all().map(l -> (Object) l),
                doubles().any().assuming(Double::isFinite).map(d -> (Object) d),
                longs().all()
                        .map(Double::longBitsToDouble)
                        .assuming(Double::isFinite)
                        .map(d -> (Object) d),
                booleans().all().map(b -> (Object) b),
                Generate.constant(() -> (Object) null));
        if (depth == 0) return leaf;
        Gen<Object> inner = trees(depth - 1);
        return Generate.oneOf(
                leaf,
                lists().of(inner).ofSizeBetween(0, 4).map(l -> (Object) new ArrayList<>(l)),
                lists().of(texts().zip(inner, AbstractMap.SimpleEntry::new))
                        .ofSizeBetween(0, 4)
                        .map(JsonTest::object));
    }

    /** An object of these members in order, a repeated name keeping its last value (null values allowed). */
    private static Object object(List<AbstractMap.SimpleEntry<String, Object>> members) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (AbstractMap.SimpleEntry<String, Object> e : members) m.put(e.getKey(), e.getValue());
        return m;
    }

    /** Strings of up to 12 characters of the basic multilingual plane (lone surrogates excluded). */
    private static Gen<String> texts() {
        return strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 12).assuming(s -> s.chars()
                .noneMatch(c -> Character.isSurrogate((char) c)));
    }

    @Test
    void writeThenParseIsIdentity() {
        record Case(Object tree) {}
        Gen<Case> cases = in -> new Case(trees().generate(in));
        qt(300).forAll(cases).checkAssert(c -> holds(() -> writeThenParseIsIdentity(c.tree())));
    }

    private void writeThenParseIsIdentity(Object tree) throws FormatException {
        assertEquals(tree, Json.parse(Json.write(tree), "generated"));
        assertEquals(tree, Json.parse(Json.writePretty(tree), "generated"));
    }

    @Test
    void floatsAndIntsAreWrittenAsTheirValues() {
        record Case(float f, int i) {}
        Gen<Case> cases =
                in -> new Case(floats().any().generate(in), integers().all().generate(in));
        qt(200).forAll(cases)
                .assuming(c -> Float.isFinite(c.f()))
                .checkAssert(c -> holds(() -> floatsAndIntsAreWrittenAsTheirValues(c.f(), c.i())));
    }

    private void floatsAndIntsAreWrittenAsTheirValues(float f, int i) throws FormatException {
        List<?> back = (List<?>) Json.parse(Json.write(List.of(f, i)), "generated");
        assertEquals(f, ((Double) back.get(0)).floatValue());
        assertEquals((long) i, back.get(1));
    }

    @Test
    void parsesEscapesSurrogatesAndNumbers() throws FormatException {
        Map<String, Object> m = Json.object(
                Json.parse(
                        "{\"a\": \"x\\u00e9\\ud83d\\uDE00\\n\\/\", \"n\": -12, \"big\": 123456789012345678901, \"f\": 1.5e3}",
                        "t"),
                "root",
                "t");
        assertEquals("x\u00e9\ud83d\ude00\n/", m.get("a"));
        assertEquals(-12L, m.get("n"));
        assertEquals(1.2345678901234568e20, m.get("big"));
        assertEquals(1500.0, m.get("f"));
        assertEquals(List.of(1L, 2L), Json.parse(" [1,2]\n", "t"));
        assertEquals(
                List.of(Long.MAX_VALUE, Long.MIN_VALUE, 9.223372036854775808e18, -0.0, 0L),
                Json.parse("[9223372036854775807,-9223372036854775808,9223372036854775808,-0.0,-0]", "t"));
        assertEquals(List.of(4.9e-324, 1.7976931348623157e308), Json.parse("[4.9e-324,1.7976931348623157E+308]", "t"));
    }

    @Test
    void errorsNameSourceLineColumnAndPath() throws FormatException {
        String anyValue =
                "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
        assertError(
                "{\n  \"a\": 1,\n  \"b\": ]\n}",
                "config.json: line 3, column 8, at $.b: Unexpected character (']' (code 93)): " + anyValue);
        assertError("{\"a\":1,\n\"a\":2}", "h: line 2, column 1, at $.a: duplicate key \"a\"");
        assertError(
                "{\"m\":{\"v\":{\"a b\":[0,{\"x\":1,\"x\":2}]}}}",
                "h: line 1, column 28, at $.m.v[\"a b\"][1].x: duplicate key \"x\"");
        assertError("[1] [2]", "h: line 1, column 5, at $: unexpected '[' after the JSON value");
        assertError(
                "{\"k\":1}}",
                "h: line 1, column 8, at $: after the JSON value: Unexpected close marker '}': no open Object to close");
        assertError(
                "[1] x",
                "h: line 1, column 5, at $: after the JSON value: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertError(
                "\"abc",
                "h: line 1, column 5, at $: Unexpected end-of-input: was expecting closing quote for a string value");
        assertError("[1,2", "h: line 1, column 5, at $[1]: Unexpected end-of-input: expected close marker for Array");
        assertError("[1,]", "h: line 1, column 4, at $[1]: Unexpected character (']' (code 93)): " + anyValue);
        assertError(
                "{\"a\" 1}",
                "h: line 1, column 6, at $.a: Unexpected character ('1' (code 49)): was expecting a colon to separate property name and value");
        assertError(
                "{a:1}",
                "h: line 1, column 2, at $: Unexpected character ('a' (code 97)): was expecting double-quote to start property name");
        assertError("[01]", "h: line 1, column 3, at $[0]: Invalid numeric value: Leading zeroes not allowed");
        assertError(
                "[1.]",
                "h: line 1, column 3, at $[0]: Unexpected character (']' (code 93)) in numeric value: Decimal point not followed by a digit");
        assertError(
                "[1e]",
                "h: line 1, column 3, at $[0]: Unexpected character (']' (code 93)) in numeric value: Exponent indicator not followed by a digit");
        assertError(
                "[-\u0663]",
                "h: line 1, column 3, at $[0]: Unexpected character ('\u0663' (code 1635 / 0x663)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value");
        assertError("[1e400]", "h: line 1, column 2, at $[0]: number 1e400 is outside the double range");
        assertError(
                "[1" + "0".repeat(400) + "]",
                "h: line 1, column 2, at $[0]: number 1000000000000000000000000000000000000... is outside the double range");
        assertError(
                "{\"x\":[NaN]}",
                "h: line 1, column 10, at $.x[0]: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
        assertError(
                "\"\\u12G4\"",
                "h: line 1, column 6, at $: Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence");
        assertError("\"\\x\"", "h: line 1, column 3, at $: Unrecognized character escape 'x' (code 120)");
        assertError(
                "\"a\tb\"",
                "h: line 1, column 3, at $: Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value");
        assertError(
                "tru",
                "h: line 1, column 1, at $: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertError("", "h: line 1, column 1, at $: expected a value, found the end of the text");
        assertError(" \n ", "h: line 2, column 2, at $: expected a value, found the end of the text");
    }

    @Test
    void inputBoundsAreErrorsNamingTheLimit() throws FormatException {
        assertError(
                "[".repeat(10_000),
                "h: line 1, column 514, at $[0][0][0][0][0][0]...[0][0][0][0][0][0]: Document nesting depth (513) exceeds the maximum allowed (512)");
        assertEquals(512, depth(Json.parse("[".repeat(512) + "]".repeat(512), "h")));
        assertError(
                "[" + "1".repeat(1001) + "]",
                "h: line 1, column 1003, at $[0]: Number value length (1001) exceeds the maximum allowed (1000)");
        assertEquals(List.of(1.0), Json.parse("[1." + "0".repeat(997) + "]", "h"));
        String name = "k".repeat(JsonTreeReader.MAX_NAME + 1);
        assertError(
                "{\"" + name + "\":1}",
                "h: line 1, column " + (JsonTreeReader.MAX_NAME + 5) + ", at $: Name length (" + name.length()
                        + ") exceeds the maximum allowed (" + JsonTreeReader.MAX_NAME + ")");
        String text = "x".repeat(JsonTreeReader.MAX_STRING + 1);
        assertEquals(
                "h: line 1, column " + (text.length() + 8) + ", at $.a: String value length (" + text.length()
                        + ") exceeds the maximum allowed (" + JsonTreeReader.MAX_STRING + ")",
                assertThrows(FormatException.class, () -> Json.parse("{\"a\":\"" + text + "\"}", "h"))
                        .getMessage());
    }

    @Test
    void typedAccessorsNameSourceAndKey() throws FormatException {
        Map<String, Object> m = Json.object(
                Json.parse(
                        "{\"s\":\"v\",\"i\":3,\"d\":2.0,\"big\":3000000000,\"b\":true,\"n\":null,\"l\":[1]}", "c.json"),
                "root",
                "c.json");
        assertEquals("v", Json.getString(m, "s", "c.json"));
        assertEquals(3, Json.getInt(m, "i", "c.json"));
        assertEquals(2, Json.getInt(m, "d", "c.json"));
        assertEquals(3_000_000_000L, Json.getLong(m, "big", "c.json"));
        assertEquals(3.0, Json.getDouble(m, "i", "c.json"));
        assertTrue(Json.getBoolean(m, "b", "c.json"));
        assertEquals(List.of(1L), Json.getList(m, "l", "c.json"));
        assertEquals(7, Json.optInt(m, "absent", 7, "c.json"));
        assertEquals(7, Json.optInt(m, "n", 7, "c.json"));
        assertEquals(3L, Json.optLong(m, "i", 7, "c.json"));
        assertEquals("x", Json.optString(m, "absent", "x", "c.json"));
        assertEquals(0.5, Json.optDouble(m, "absent", 0.5, "c.json"));
        assertTrue(Json.optBoolean(m, "absent", true, "c.json"));
        assertAccessError(
                () -> Json.getInt(m, "s", "c.json"), "c.json: 's' must be an integer, found the string \"v\"");
        assertAccessError(
                () -> Json.getInt(m, "big", "c.json"), "c.json: 'big' = 3000000000 does not fit a 32-bit integer");
        assertAccessError(() -> Json.getString(m, "missing", "c.json"), "c.json: missing key 'missing'");
        assertAccessError(() -> Json.optString(m, "i", "x", "c.json"), "c.json: 'i' must be a string, found long 3");
        assertAccessError(() -> Json.getObject(m, "l", "c.json"), "c.json: 'l' must be a JSON object, found an array");
        assertAccessError(() -> Json.getBoolean(m, "n", "c.json"), "c.json: 'n' must be true or false, found null");
    }

    @Test
    void writerRejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Float.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new java.math.BigDecimal("1.5")));
        assertEquals(
                "{\"a\":[1,2.5,-0.0,3.0,\"\\u0001\\\"\"],\"b\":null}",
                Json.write(orderedMap("a", List.of(1, 2.5, -0.0, 3.0f, "\u0001\""), "b", null)));
        assertEquals(
                "{\n  \"a\": [\n    1\n  ],\n  \"e\": {}\n}\n",
                Json.writePretty(orderedMap("a", new int[] {1}, "e", Map.of())));
    }

    @Test
    void parsesMegabytesOfInput() throws FormatException {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 40_000; i++)
            rows.add(orderedMap("id", (long) i, "text", "token \u2581" + i + " \\ \"q\"", "score", i * 0.25 + 0.125));
        String text = Json.writePretty(rows);
        assertTrue(text.length() > 3_000_000, "size " + text.length());
        assertEquals(rows, Json.parse(text, "big.json"));
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static int depth(Object v) {
        return v instanceof List && !((List<?>) v).isEmpty()
                ? 1 + depth(((List<?>) v).get(0))
                : v instanceof List ? 1 : 0;
    }

    private static void assertError(String text, String message) {
        assertEquals(
                message,
                assertThrows(FormatException.class, () -> Json.parse(text, message.substring(0, message.indexOf(':'))))
                        .getMessage());
    }

    private static void assertAccessError(org.junit.jupiter.api.function.Executable call, String message) {
        assertEquals(message, assertThrows(FormatException.class, call).getMessage());
    }
}
