package io.flexigpt.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Names for temporary files and directories that carry the id of the process that made them
 * ({@code PREFIX<pid>-<random>SUFFIX}), so that what a killed process left behind can be recognised and
 * removed by the next run of the same job, while another live process's work in progress is left alone.
 */
public final class Leftovers {
    private Leftovers() {}

    /** A fresh name {@code prefix + pid + "-" + random + suffix} owned by this process. */
    public static String name(String prefix, String suffix) {
        return prefix + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + suffix;
    }

    /**
     * Deletes the entries of {@code dir} named by {@link #name} with {@code prefix} and {@code suffix} whose owning
     * process no longer runs (directories with everything in them); returns how many it deleted. Nothing else in
     * {@code dir} is touched.
     */
    public static int removeStale(Path dir, String prefix, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(dir, p -> isStale(p.getFileName().toString(), prefix, suffix))) {
            for (Path p : entries) stale.add(p);
        }
        for (Path p : stale) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
            } catch (NoSuchFileException raced) {
                // another run cleaned it first
            }
        }
        return stale.size();
    }

    static boolean isStale(String name, String prefix, String suffix) {
        if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length() < prefix.length() + suffix.length())
            return false;
        String middle = name.substring(prefix.length(), name.length() - suffix.length());
        int dash = middle.indexOf('-');
        if (dash < 1 || dash > 18 || !middle.substring(0, dash).chars().allMatch(c -> c >= '0' && c <= '9'))
            return false;
        try {
            UUID.fromString(middle.substring(dash + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        long pid = Long.parseLong(middle.substring(0, dash));
        return pid != ProcessHandle.current().pid()
                && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
