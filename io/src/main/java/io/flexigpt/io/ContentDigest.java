package io.flexigpt.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 digest of a list of parts (byte arrays, strings, file contents), each prefixed by its length so
 * that no two different lists collide. Files are streamed, never read into memory whole; a file part digests
 * exactly as a byte part holding its content. Keys caches and resumable state by what they were computed from.
 */
public final class ContentDigest {
    private final MessageDigest md;

    private ContentDigest() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty digest. */
    public static ContentDigest sha256() {
        return new ContentDigest();
    }

    /** Adds {@code bytes} as one part. */
    public ContentDigest bytes(byte[] bytes) {
        md.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
        md.update(bytes);
        return this;
    }

    /** Adds {@code text} in UTF-8 as one part. */
    public ContentDigest text(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the content of {@code file} as one part, streamed. */
    public ContentDigest file(Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            md.update(ByteBuffer.allocate(8).putLong(Files.size(file)).array());
            for (int n; (n = in.read(buffer)) > 0; ) md.update(buffer, 0, n);
        }
        return this;
    }

    /** The first {@code chars} hex digits of the digest (at most 64); the digest cannot be extended afterwards. */
    public String hex(int chars) {
        return HexFormat.of().formatHex(md.digest()).substring(0, chars);
    }
}
