package io.flexigpt.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Builds a {@link Json} tree from jackson-core's token stream, within bounds far above the largest real
 * file (tokenizer.json of 10-20 MB with 150k-entry vocabularies: nesting 8, keys and strings of a few
 * thousand characters, numbers of a few dozen digits) and far below what would exhaust memory or time.
 * Jackson's own syntax and bound errors are reported with the source, line, column and JSON path.
 */
final class JsonTreeReader {
    static final int MAX_DEPTH = 512;
    /** Longest string value, in characters (a chat template runs to a few thousand). */
    static final int MAX_STRING = 16 << 20;
    /** Longest object key, in characters (vocabulary entries are keys). */
    static final int MAX_NAME = 64 << 10;
    /** Longest number, in characters (enough for the exact decimal expansion of any double). */
    static final int MAX_NUMBER = 1000;
    /** Longest document, in characters (the largest safetensors header accepted is 100 MiB). */
    static final long MAX_DOCUMENT = 256L << 20;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .maxNameLength(MAX_NAME)
                    .maxNumberLength(MAX_NUMBER)
                    .maxDocumentLength(MAX_DOCUMENT)
                    .build())
            .build();

    private static final int SHOWN_STEPS = 12;

    private final JsonParser parser;
    private final String source;

    private JsonTreeReader(JsonParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    static Object read(String text, String source) throws FormatException {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            return new JsonTreeReader(parser, source).document();
        }
    }

    private Object document() throws FormatException {
        try {
            JsonToken first = parser.nextToken();
            if (first == null) throw error(parser.currentLocation(), "expected a value, found the end of the text");
            Object value = value(first);
            end();
            return value;
        } catch (JacksonException e) {
            throw error(e, "");
        }
    }

    private void end() throws FormatException {
        try {
            JsonToken extra = parser.nextToken();
            if (extra != null)
                throw error(
                        parser.currentTokenLocation(),
                        "unexpected '" + Json.abbreviate(parser.getString()) + "' after the JSON value");
        } catch (JacksonException e) {
            throw error(e, "after the JSON value: ");
        }
    }

    private Object value(JsonToken token) throws FormatException {
        switch (token) {
            case START_OBJECT:
                return object();
            case START_ARRAY:
                return array();
            case VALUE_STRING:
                return parser.getString();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = parser.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG)
                    return parser.getLongValue();
                return finite(parser.getDoubleValue());
            case VALUE_NUMBER_FLOAT:
                return finite(parser.getDoubleValue());
            default:
                throw error(parser.currentTokenLocation(), "expected a value, found " + token);
        }
    }

    private Double finite(double d) throws FormatException {
        if (Double.isInfinite(d))
            throw error(
                    parser.currentTokenLocation(),
                    "number " + Json.abbreviate(parser.getString()) + " is outside the double range");
        return d;
    }

    private Map<String, Object> object() throws FormatException {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            if (map.containsKey(key))
                throw error(parser.currentTokenLocation(), "duplicate key \"" + Json.abbreviate(key) + "\"");
            map.put(key, value(parser.nextToken()));
        }
        return map;
    }

    private List<Object> array() throws FormatException {
        ArrayList<Object> list = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) list.add(value(t));
        return list;
    }

    private FormatException error(JacksonException e, String context) {
        TokenStreamLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        return error(at, context + readable(e.getOriginalMessage()), e);
    }

    private FormatException error(TokenStreamLocation at, String message) {
        return error(at, message, null);
    }

    private FormatException error(TokenStreamLocation at, String message, Throwable cause) {
        return new FormatException(
                source + ": line " + at.getLineNr() + ", column " + at.getColumnNr() + ", at "
                        + path(parser.streamReadContext()) + ": " + message,
                cause);
    }

    /** Jackson's message without its pointers into Jackson (the limit's getter, an unknown source). */
    private static String readable(String message) {
        return message.replaceAll(", from `[^`]*`", "").replaceAll(" \\(start marker at \\[Source: [^\\]]*\\]\\)", "");
    }

    /**
     * The JSON path of the value being read, as {@code $.model.vocab["a b"][3]}; a path of more than
     * {@value #SHOWN_STEPS} steps shows its first and last steps around {@code ...}.
     */
    static String path(TokenStreamContext context) {
        List<String> steps = new ArrayList<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.hasCurrentIndex()) steps.add("[" + c.getCurrentIndex() + "]");
            else if (c.inObject() && c.currentName() != null) steps.add(member(c.currentName()));
        }
        Collections.reverse(steps);
        if (steps.size() <= SHOWN_STEPS) return "$" + String.join("", steps);
        return "$" + String.join("", steps.subList(0, SHOWN_STEPS / 2)) + "..."
                + String.join("", steps.subList(steps.size() - SHOWN_STEPS / 2, steps.size()));
    }

    private static String member(String name) {
        boolean plain = !name.isEmpty()
                && Character.isJavaIdentifierStart(name.charAt(0))
                && name.chars().allMatch(Character::isJavaIdentifierPart);
        return plain ? "." + name : "[" + Json.write(name) + "]";
    }
}
