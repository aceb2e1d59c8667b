package io.flexigpt.io;

import java.io.StringWriter;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * Writes a {@link Json} tree through jackson-core's generator: compact, or indented by two spaces with
 * {@code "key": value}, one member or element per line and {@code {}}/{@code []} when empty. Slashes
 * stay unescaped; other control characters become {@code \\u} escapes with lower-case hex digits.
 */
final class JsonTreeWriter {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    private static final DefaultPrettyPrinter INDENTED;

    static {
        DefaultIndenter twoSpaces = new DefaultIndenter("  ", "\n");
        INDENTED = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(twoSpaces)
                .withArrayIndenter(twoSpaces);
    }

    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return INDENTED.createInstance();
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    };

    private JsonTreeWriter() {}

    static String write(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(pretty ? PRETTY : ObjectWriteContext.empty(), out)) {
            value(g, value);
        }
        if (pretty) out.append('\n');
        return out.toString();
    }

    private static void value(JsonGenerator g, Object v) {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(decimal((Number) v));
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String))
                    throw new IllegalArgumentException("JSON object keys must be strings, found " + e.getKey());
                g.writeName((String) e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable) {
            g.writeStartArray();
            for (Object o : (Iterable<?>) v) value(g, o);
            g.writeEndArray();
        } else if (v instanceof double[]) {
            g.writeStartArray();
            for (double d : (double[]) v) g.writeNumber(decimal(d));
            g.writeEndArray();
        } else if (v instanceof int[]) {
            g.writeStartArray();
            for (int i : (int[]) v) g.writeNumber(i);
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    /** A float or double as text that parses back to it: whole numbers below 10^15 as {@code 12.0}, others in Java's shortest form. */
    private static String decimal(Number v) {
        double d = v.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON cannot hold " + d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return (d == 0 && 1 / d < 0 ? "-" : "") + (long) d + ".0";
        return v instanceof Float ? Float.toString((Float) v) : Double.toString(d);
    }
}
