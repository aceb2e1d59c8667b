package io.flexigpt.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/** The one line the command prints for an error: for file-system errors what failed (operation), where (file) and why. */
final class ErrorMessages {
    private ErrorMessages() {}

    private static final Map<String, String> OPERATIONS = Map.ofEntries(
            Map.entry("createDirectory", "create directory"),
            Map.entry("createFile", "create file"),
            Map.entry("newByteChannel", "open"),
            Map.entry("newInputStream", "open"),
            Map.entry("newOutputStream", "open for writing"),
            Map.entry("readAllBytes", "read"),
            Map.entry("readString", "read"),
            Map.entry("write", "write"),
            Map.entry("writeString", "write"),
            Map.entry("move", "move"),
            Map.entry("copy", "copy"),
            Map.entry("delete", "delete"),
            Map.entry("deleteIfExists", "delete"),
            Map.entry("size", "read the size of"),
            Map.entry("newDirectoryStream", "list"),
            Map.entry("list", "list"),
            Map.entry("walk", "list"),
            Map.entry("open", "open"),
            Map.entry("setPosixFilePermissions", "set permissions of"),
            Map.entry("createTempFile", "create a file in"),
            Map.entry("createTempDirectory", "create a directory in"),
            Map.entry("force", "flush"));

    /** The message for {@code e} (without the leading "error: "). */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) e = e.getCause();
        if (e instanceof FileSystemException f) return describe(f);
        String message = e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getMessage();
        if (e.getCause() instanceof FileSystemException f && !message.contains(String.valueOf(f.getFile())))
            message += ": " + describe(f);
        return message;
    }

    private static String describe(FileSystemException f) {
        String why = f.getReason() != null ? f.getReason() : kind(f);
        String where =
                f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        String operation = operation(f);
        if (operation == null) return where.isEmpty() ? why : where + ": " + why;
        return "cannot " + operation + (where.isEmpty() ? "" : " " + where) + ": " + why;
    }

    /** What the JDK was doing: the innermost {@code java.nio.file.Files} or {@code FileChannel} method on the stack, or null. */
    private static String operation(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String c = frame.getClassName();
            if (c.equals("java.nio.file.Files")
                    || c.equals("java.nio.channels.FileChannel")
                    || c.equals("sun.nio.ch.FileChannelImpl")) {
                String op = OPERATIONS.get(frame.getMethodName());
                if (op != null) return op;
            }
        }
        return null;
    }

    private static String kind(FileSystemException f) {
        if (f instanceof NoSuchFileException) return "no such file or directory";
        if (f instanceof AccessDeniedException) return "permission denied";
        if (f instanceof FileAlreadyExistsException) return "it already exists";
        if (f instanceof NotDirectoryException) return "not a directory";
        if (f instanceof DirectoryNotEmptyException) return "directory not empty";
        return f.getClass().getSimpleName();
    }
}
