package io.flexigpt.tensor.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Provide
    Arbitrary<Object> trees() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
                Arbitraries.strings().withChars("\"\\/\b\f\n\r\t\u0000\u001f\u00e9\ud83d\ude00").ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.longs().map(l -> (Object) Double.longBitsToDouble(l)).filter(d -> Double.isFinite((Double) d)),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))), 3);
    }

    @Property(tries = 300)
    void writeThenParseIsIdentity(@ForAll("trees") Object tree) throws FormatException {
        assertEquals(tree, Json.parse(Json.write(tree), "generated"));
        assertEquals(tree, Json.parse(Json.writePretty(tree), "generated"));
    }

    @Property(tries = 200)
    void floatsAndIntsAreWrittenAsTheirValues(@ForAll float f, @ForAll int i) throws FormatException {
        Assume.that(Float.isFinite(f));
        List<?> back = (List<?>) Json.parse(Json.write(List.of(f, i)), "generated");
        assertEquals(f, ((Double) back.get(0)).floatValue());
        assertEquals((long) i, back.get(1));
    }

    @Test
    void parsesEscapesSurrogatesAndNumbers() throws FormatException {
        Map<String, Object> m = Json.object(Json.parse("{\"a\": \"x\\u00e9\\ud83d\\uDE00\\n\\/\", \"n\": -12, \"big\": 123456789012345678901, \"f\": 1.5e3}", "t"), "root", "t");
        assertEquals("x\u00e9\ud83d\ude00\n/", m.get("a"));
        assertEquals(-12L, m.get("n"));
        assertEquals(1.2345678901234568e20, m.get("big"));
        assertEquals(1500.0, m.get("f"));
        assertEquals(List.of(1L, 2L), Json.parse(" [1,2]\n", "t"));
        assertEquals(List.of(Long.MAX_VALUE, Long.MIN_VALUE, 9.223372036854775808e18, -0.0, 0L),
                Json.parse("[9223372036854775807,-9223372036854775808,9223372036854775808,-0.0,-0]", "t"));
        assertEquals(List.of(4.9e-324, 1.7976931348623157e308), Json.parse("[4.9e-324,1.7976931348623157E+308]", "t"));
    }

    @Test
    void errorsNameSourceLineAndColumn() throws FormatException {
        assertError("{\n  \"a\": 1,\n  \"b\": ]\n}", "config.json: line 3, column 8: expected a value, found ']'");
        assertError("{\"a\":1,\n\"a\":2}", "h: line 2, column 1: duplicate key \"a\"");
        assertError("[1] x", "h: line 1, column 5: unexpected 'x' after the JSON value");
        assertError("\"abc", "h: line 1, column 5: unterminated string");
        assertError("[1,]", "h: line 1, column 4: expected a value, found ']'");
        assertError("{\"a\" 1}", "h: line 1, column 6: expected ':', found '1'");
        assertError("{a:1}", "h: line 1, column 2: expected a string key");
        assertError("[01]", "h: line 1, column 3: expected ']', found '1'");
        assertError("[1.]", "h: line 1, column 4: expected a digit after the decimal point");
        assertError("[1e]", "h: line 1, column 4: expected a digit in the exponent");
        assertError("[-\u0663]", "h: line 1, column 3: expected a digit");
        assertError("[1e400]", "h: line 1, column 2: number 1e400 is outside the double range");
        assertError("\"\\u12G4\"", "h: line 1, column 6: expected a hex digit in the \\u escape, found 'G'");
        assertError("\"\\x\"", "h: line 1, column 3: invalid escape '\\x'");
        assertError("\"a\tb\"", "h: line 1, column 3: control character U+0009 in a string");
        assertError("tru", "h: line 1, column 1: expected 'true'");
        assertError("", "h: line 1, column 1: expected a value, found the end of the text");
        assertError("[".repeat(10_000), "h: line 1, column 514: nesting deeper than 512");
        assertEquals(512, depth(Json.parse("[".repeat(512) + "]".repeat(512), "h")));
    }

    @Test
    void typedAccessorsNameSourceAndKey() throws FormatException {
        Map<String, Object> m = Json.object(Json.parse("{\"s\":\"v\",\"i\":3,\"d\":2.0,\"big\":3000000000,\"b\":true,\"n\":null,\"l\":[1]}", "c.json"), "root", "c.json");
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
        assertAccessError(() -> Json.getInt(m, "s", "c.json"), "c.json: 's' must be an integer, found the string \"v\"");
        assertAccessError(() -> Json.getInt(m, "big", "c.json"), "c.json: 'big' = 3000000000 does not fit a 32-bit integer");
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
        assertEquals("{\"a\":[1,2.5,-0.0,3.0,\"\\u0001\\\"\"],\"b\":null}", Json.write(orderedMap("a", List.of(1, 2.5, -0.0, 3.0f, "\u0001\""), "b", null)));
        assertEquals("{\n  \"a\": [\n    1\n  ],\n  \"e\": {}\n}\n", Json.writePretty(orderedMap("a", new int[] {1}, "e", Map.of())));
    }

    @Test
    void parsesMegabytesOfInput() throws FormatException {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) rows.add(orderedMap("id", (long) i, "text", "token \u2581" + i + " \\ \"q\"", "score", i * 0.25 + 0.125));
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
        return v instanceof List && !((List<?>) v).isEmpty() ? 1 + depth(((List<?>) v).get(0)) : v instanceof List ? 1 : 0;
    }

    private static void assertError(String text, String message) {
        assertEquals(message, assertThrows(FormatException.class, () -> Json.parse(text, message.substring(0, message.indexOf(':')))).getMessage());
    }

    private static void assertAccessError(org.junit.jupiter.api.function.Executable call, String message) {
        assertEquals(message, assertThrows(FormatException.class, call).getMessage());
    }
}
