package io.flexigpt.eval.tasks;

import io.flexigpt.io.FormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One parsed line of a jsonl file, with field accessors whose errors name the file and line. */
record JsonLine(Path file, int number, Map<String, Object> fields) {

    boolean has(String key) {
        return fields.containsKey(key);
    }

    String string(String key) throws FormatException {
        Object value = require(key);
        if (!(value instanceof String)) {
            throw error("field \"" + key + "\" must be a string");
        }
        return (String) value;
    }

    int integer(String key) throws FormatException {
        Object value = require(key);
        if (value instanceof String && ((String) value).matches("-?\\d{1,9}")) {
            return Integer.parseInt((String) value);
        }
        if (!(value instanceof Long) || (Long) value != ((Long) value).intValue()) {
            throw error("field \"" + key + "\" must be an integer");
        }
        return ((Long) value).intValue();
    }

    boolean bool(String key) throws FormatException {
        Object value = require(key);
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return "true".equals(value);
        }
        throw error("field \"" + key + "\" must be true or false (a boolean or the string)");
    }

    List<String> strings(String key) throws FormatException {
        Object value = require(key);
        if (!(value instanceof List)) {
            throw error("field \"" + key + "\" must be a list of strings");
        }
        List<String> strings = new ArrayList<>();
        for (Object element : (List<?>) value) {
            if (!(element instanceof String)) {
                throw error("field \"" + key + "\" must be a list of strings");
            }
            strings.add((String) element);
        }
        return strings;
    }

    FormatException error(String message) {
        return new FormatException(file + " line " + number + ": " + message);
    }

    private Object require(String key) throws FormatException {
        if (!fields.containsKey(key)) {
            throw error("missing field \"" + key + "\"");
        }
        return fields.get(key);
    }
}
