package io.flexigpt.io;

import java.util.List;
import java.util.Map;

/**
 * Strict JSON trees for the project's files (safetensors headers, config.json, tokenizer.json, jsonl
 * tasks, reports), read and written by jackson-core's streaming parser and generator. Objects become
 * {@link java.util.LinkedHashMap} (duplicate keys are an error), arrays {@link java.util.ArrayList},
 * integers {@link Long} (or {@link Double} when they do not fit), other numbers {@link Double}. Only
 * RFC 8259 syntax is accepted (no comments, no trailing commas, numbers within the double range), within
 * the bounds of {@link JsonTreeReader} (nesting, string, name, number and document length). Errors name
 * the source, line, column and the JSON path of the value. The writer emits the same types (plus
 * {@link Integer}, {@link Short}, {@link Byte}, {@link Float} and {@code int[]}/{@code double[]});
 * doubles are written so that they parse back to the same value.
 */
public final class Json {
    private Json() {}

    /** Parses one JSON value that must span the whole text (surrounding whitespace allowed). */
    public static Object parse(String text, String source) throws FormatException {
        return JsonTreeReader.read(text, source);
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
    public static Map<String, Object> getObject(Map<String, Object> map, String key, String source)
            throws FormatException {
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
    public static String optString(Map<String, Object> map, String key, String fallback, String source)
            throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asString(v, key, source);
    }

    /** The integer under {@code key}, or {@code fallback} when the key is absent or null. */
    public static long optLong(Map<String, Object> map, String key, long fallback, String source)
            throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asLong(v, key, source);
    }

    /** The {@code int} under {@code key}, or {@code fallback} when the key is absent or null. */
    public static int optInt(Map<String, Object> map, String key, int fallback, String source) throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asInt(v, key, source);
    }

    /** The number under {@code key}, or {@code fallback} when the key is absent or null. */
    public static double optDouble(Map<String, Object> map, String key, double fallback, String source)
            throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asDouble(v, key, source);
    }

    /** The boolean under {@code key}, or {@code fallback} when the key is absent or null. */
    public static boolean optBoolean(Map<String, Object> map, String key, boolean fallback, String source)
            throws FormatException {
        Object v = map.get(key);
        return v == null ? fallback : asBoolean(v, key, source);
    }

    private static String asString(Object v, String key, String source) throws FormatException {
        if (v instanceof String) return (String) v;
        throw new FormatException(source + ": '" + key + "' must be a string, found " + describe(v));
    }

    private static long asLong(Object v, String key, String source) throws FormatException {
        if (v instanceof Long) return (Long) v;
        if (v instanceof Double && (Double) v == Math.rint((Double) v) && Math.abs((Double) v) < 0x1p53)
            return (long) (double) (Double) v;
        throw new FormatException(source + ": '" + key + "' must be an integer, found " + describe(v));
    }

    private static int asInt(Object v, String key, String source) throws FormatException {
        long n = asLong(v, key, source);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)
            throw new FormatException(source + ": '" + key + "' = " + n + " does not fit a 32-bit integer");
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

    /** A short description of a parsed value for error messages: {@code null}, {@code an object}, {@code the string "..."}, {@code long 3}. */
    public static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String) return "the string \"" + abbreviate((String) v) + "\"";
        return v.getClass().getSimpleName().toLowerCase() + " " + v;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    // ------------------------------------------------------------------ writing

    /** Compact JSON text of a tree of maps, lists, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        return JsonTreeWriter.write(value, false);
    }

    /** Indented JSON text (two spaces, a line per member and element, a final newline). */
    public static String writePretty(Object value) {
        return JsonTreeWriter.write(value, true);
    }
}
