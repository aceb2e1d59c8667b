package io.flexigpt.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed file digests as its bytes do, and the length prefixes keep different part lists apart. */
class ContentDigestTest {
    @Test
    void aFileDigestsAsItsBytesAndPartBoundariesMatter(@TempDir Path dir) throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        Path f = dir.resolve("f.bin");
        Files.write(f, big);
        assertEquals(
                ContentDigest.sha256().bytes(big).text("x").hex(64),
                ContentDigest.sha256().file(f).text("x").hex(64));
        assertNotEquals(
                ContentDigest.sha256().text("ab").text("c").hex(64),
                ContentDigest.sha256().text("a").text("bc").hex(64));
        big[299_999] ^= 1;
        assertNotEquals(
                ContentDigest.sha256().bytes(big).hex(64),
                ContentDigest.sha256().file(f).hex(64));
    }
}
