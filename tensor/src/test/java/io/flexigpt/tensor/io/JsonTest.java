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
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().between(-1e12, 1e12).filter(d -> d != Math.rint(d)).map(d -> (Object) d),
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

    @Test
    void parsesEscapesSurrogatesAndNumbers() throws FormatException {
        Map<String, Object> m = Json.object(Json.parse("{\"a\": \"x\\u00e9\\ud83d\\ude00\\n\", \"n\": -12, \"big\": 123456789012345678901, \"f\": 1.5e3}", "t"), "root", "t");
        assertEquals("xé😀\n", m.get("a"));
        assertEquals(-12L, m.get("n"));
        assertEquals(1.2345678901234568e20, (Double) m.get("big"), 1e6);
        assertEquals(1500.0, m.get("f"));
        assertEquals(List.of(1L, 2L), Json.parse("[1,2]", "t"));
    }

    @Test
    void errorsNameSourceLineAndColumn() {
        FormatException e = assertThrows(FormatException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\": ]\n}", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: line 3, column 8"), e.getMessage());
        assertTrue(assertThrows(FormatException.class, () -> Json.parse("{\"a\":1,\"a\":2}", "h")).getMessage().contains("duplicate key"));
        assertTrue(assertThrows(FormatException.class, () -> Json.parse("[1] x", "h")).getMessage().contains("after the JSON value"));
        assertTrue(assertThrows(FormatException.class, () -> Json.parse("\"abc", "h")).getMessage().contains("unterminated"));
        assertTrue(assertThrows(FormatException.class, () -> Json.parse("[".repeat(10_000), "h")).getMessage().contains("nesting"));
        assertTrue(assertThrows(FormatException.class, () -> Json.getInt(Map.of("k", "v"), "k", "f.json")).getMessage().contains("'k' must be an integer"));
    }
}
