package io.flexigpt.io;

import java.io.IOException;

/**
 * A file (checkpoint, tokenizer, data set) does not have the layout its format requires. The message
 * always names the file, where in it the problem is (byte offset, tensor, line) and what was expected.
 */
public class FormatException extends IOException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
