package io.flexigpt.tensor.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer for the project's files (safetensors headers, config.json,
 * tokenizer.json, jsonl tasks, reports). Objects become {@link LinkedHashMap} (duplicate keys are an
 * error), arrays {@link ArrayList}, integers {@link Long} (or {@link Double} when they do not fit), other
 * numbers {@link Double}. Only RFC 8259 syntax is accepted (no comments, no trailing commas, ASCII digits,
 * numbers within the double range, nesting at most 512 deep). Errors name the source, line and column.
 * The writer emits the same types (plus {@link Integer}, {@link Short}, {@link Byte}, {@link Float}
 * and {@code int[]}/{@code double[]}); doubles are written so that they parse back to the same value.
 */
public final class Json {
    private static final int MAX_DEPTH = 512;

    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses one JSON value that must span the whole text (surrounding whitespace allowed). */
    public static Object parse(String text, String source) throws FormatException {
        Json p = new Json(text, source);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "' after the JSON value");
        return v;
    }

    // ------------------------------------------------------------------ typed access

    /** {@code value} as an object, or an error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value, String what, String source) throws FormatException {
        if (value instanceof Map) return (Map<String, Object>) value;
        throw new FormatException(source + ": " + what + " must be a JSON object, found " + describe(value));
    }

    /** {@code value} as an array, or an error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value, String what, String source) throws FormatException {
        if (value instanceof List) return (List<Object>) value;
        throw new FormatException(source + ": " + what + " must be a JSON array, found " + describe(value));
    }

    /** The value under {@code key} (possibly null), or an error naming the missing key. */
    public static Object require(Map<String, Object> map, String key, String source) throws FormatException {
        if (!map.containsKey(key)) throw new FormatException(source + ": missing key '" + key + "'");
        return map.get(key);
    }

    /** The object under {@code key}. */
    public static Map<String, Object> getObject(Map<String, Object> map, String key, String source) throws FormatException {
        return object(require(map, key, source), "'" + key + "'", source);
    }

    /** The array under {@code key}. */
    public static List<Object> getList(Map<String, Object> map, String key, String source) throws FormatException {
        return list(require(map, key, source), "'" + key + "'", source);
    }

    /** The string under {@code key}. */
    public static String getString(Map<String, Object> map, String key, String source) throws FormatException {
        return asString(require(map, key, source), key, source);
    }

    /** The integer under {@code key} (an integral double below 2^53 also counts). */
    public static long getLong(Map<String, Object> map, String key, String source) throws FormatException {
        return asLong(require(map, key, source), key, source);
    }

    /** The integer under {@code key}, which must fit an {@code int}. */
    public static int getInt(Map<String, Object> map, String key, String source) throws FormatException {
        return asInt(require(map, key, source), key, source);
    }

    /** The number under {@code key}. */
    public static double getDouble(Map<String, Object> map, String key, String source) throws FormatException {
        return asDouble(require(map, key, source), key, source);
    }

    /** The boolean under {@code key}. */
    public static boolean getBoolean(Map<String, Object> map, String key, String source) throws FormatException {
        return asBoolean(require(map, key, source), key, source);
    }

    /** The string under {@code key}, or {@code fallback} when the key is absent or null. */
    public static String optString(Map<String, Object> map, String key, String fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asString(v, key, source);
    }

    /** The integer under {@code key}, or {@code fallback} when the key is absent or null. */
    public static long optLong(Map<String, Object> map, String key, long fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asLong(v, key, source);
    }

    /** The {@code int} under {@code key}, or {@code fallback} when the key is absent or null. */
    public static int optInt(Map<String, Object> map, String key, int fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asInt(v, key, source);
    }

    /** The number under {@code key}, or {@code fallback} when the key is absent or null. */
    public static double optDouble(Map<String, Object> map, String key, double fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asDouble(v, key, source);
    }

    /** The boolean under {@code key}, or {@code fallback} when the key is absent or null. */
    public static boolean optBoolean(Map<String, Object> map, String key, boolean fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asBoolean(v, key, source);
    }

    private static String asString(Object v, String key, String source) throws FormatException {
        if (v instanceof String) return (String) v;
        throw new FormatException(source + ": '" + key + "' must be a string, found " + describe(v));
    }

    private static long asLong(Object v, String key, String source) throws FormatException {
        if (v instanceof Long) return (Long) v;
        if (v instanceof Double && (Double) v == Math.rint((Double) v) && Math.abs((Double) v) < 0x1p53) return (long) (double) (Double) v;
        throw new FormatException(source + ": '" + key + "' must be an integer, found " + describe(v));
    }

    private static int asInt(Object v, String key, String source) throws FormatException {
        long n = asLong(v, key, source);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw new FormatException(source + ": '" + key + "' = " + n + " does not fit a 32-bit integer");
        return (int) n;
    }

    private static double asDouble(Object v, String key, String source) throws FormatException {
        if (v instanceof Number) return ((Number) v).doubleValue();
        throw new FormatException(source + ": '" + key + "' must be a number, found " + describe(v));
    }

    private static boolean asBoolean(Object v, String key, String source) throws FormatException {
        if (v instanceof Boolean) return (Boolean) v;
        throw new FormatException(source + ": '" + key + "' must be true or false, found " + describe(v));
    }

    static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "the string \"" + abbreviate((String) v) + "\"";
        return v.getClass().getSimpleName().toLowerCase() + " " + v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    // ------------------------------------------------------------------ parsing

    private FormatException error(String message) {
        int line = 1, col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new FormatException(source + ": line " + line + ", column " + col + ": " + message);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
            else break;
        }
    }

    private Object value(int depth) throws FormatException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= text.length()) throw error("expected a value, found the end of the text");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("expected a value, found '" + c + "'");
        }
    }

    private Object literal(String word, Object value) throws FormatException {
        if (!text.startsWith(word, pos)) throw error("expected '" + word + "'");
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) throws FormatException {
        pos++;
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != '"') throw error("expected a string key");
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth + 1);
            if (map.containsKey(key)) {
                pos = keyPos;
                throw error("duplicate key \"" + abbreviate(key) + "\"");
            }
            map.put(key, v);
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array(int depth) throws FormatException {
        pos++;
        ArrayList<Object> list = new ArrayList<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private void expect(char c) throws FormatException {
        if (pos >= text.length()) throw error("expected '" + c + "', found the end of the text");
        if (text.charAt(pos) != c) throw error("expected '" + c + "', found '" + text.charAt(pos) + "'");
        pos++;
    }

    private String string() throws FormatException {
        pos++;
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder();
                sb.append(text, start, pos);
                pos++;
                if (pos >= text.length()) throw error("unterminated escape");
                char e = text.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': sb.append(hex4()); break;
                    default:
                        pos--;
                        throw error("invalid escape '\\" + e + "'");
                }
                start = pos;
            } else {
                pos++;
            }
        }
    }

    private char hex4() throws FormatException {
        if (pos + 4 > text.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(pos + i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                pos += i;
                throw error("expected a hex digit in the \\u escape, found '" + c + "'");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private boolean digitAt(int i) {
        return i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9';
    }

    private void skipDigits() {
        while (digitAt(pos)) pos++;
    }

    private Object number() throws FormatException {
        int start = pos;
        if (text.charAt(pos) == '-') pos++;
        if (!digitAt(pos)) throw error("expected a digit");
        if (text.charAt(pos) == '0') pos++;
        else skipDigits();
        boolean integral = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integral = false;
            pos++;
            if (!digitAt(pos)) throw error("expected a digit after the decimal point");
            skipDigits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) pos++;
            if (!digitAt(pos)) throw error("expected a digit in the exponent");
            skipDigits();
        }
        String s = text.substring(start, pos);
        if (integral && s.length() <= 18) return Long.parseLong(s);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException overflow) {
                // beyond the long range: fall through to a double
            }
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number " + abbreviate(s) + " is outside the double range");
        }
        return d;
    }

    // ------------------------------------------------------------------ writing

    /** Compact JSON text of a tree of maps, lists, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, -1, 0);
        return sb.toString();
    }

    /** Indented JSON text (two spaces). */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 2, 0);
        return sb.append('\n').toString();
    }

    private static void write(Object v, StringBuilder sb, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            quote((String) v, sb);
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON cannot hold " + d);
            if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append(d == 0 && 1 / d < 0 ? "-" : "").append((long) d).append(".0");
            else sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, level + 1);
                if (!(e.getKey() instanceof String)) throw new IllegalArgumentException("JSON object keys must be strings, found " + e.getKey());
                quote((String) e.getKey(), sb);
                sb.append(indent >= 0 ? ": " : ":");
                write(e.getValue(), sb, indent, level + 1);
            }
            if (!m.isEmpty()) newline(sb, indent, level);
            sb.append('}');
        } else if (v instanceof Iterable) {
            sb.append('[');
            boolean first = true;
            for (Object o : (Iterable<?>) v) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, level + 1);
                write(o, sb, indent, level + 1);
            }
            if (!first) newline(sb, indent, level);
            sb.append(']');
        } else if (v instanceof double[]) {
            List<Object> l = new ArrayList<>();
            for (double d : (double[]) v) l.add(d);
            write(l, sb, indent, level);
        } else if (v instanceof int[]) {
            List<Object> l = new ArrayList<>();
            for (int i : (int[]) v) l.add((long) i);
            write(l, sb, indent, level);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) return;
        sb.append('\n');
        for (int i = 0; i < indent * level; i++) sb.append(' ');
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
