package io.flexigpt.gpu;

/** Work-group sizes derived from a device's reported limits rather than fixed numbers. */
final class LaunchGeometry {
    private LaunchGeometry() {}

    /**
     * The largest power of two not above {@code maxGroup} nor above the items each compute unit
     * gets, so small launches still spread over all compute units.
     */
    static int groupSize(int items, int maxGroup, int computeUnits) {
        int perUnit = Math.max(1, (items + computeUnits - 1) / computeUnits);
        int size = 1;
        while (size * 2 <= maxGroup && size * 2 <= perUnit) size *= 2;
        return size;
    }

    /**
     * Side of the square matmul tile: {@code minTile} doubled while the tile stays at most {@code
     * maxTile}, its work-group of tile²/outputsPerItem items fits {@code maxGroup} and its two float
     * tiles fit {@code localMemoryBytes}.
     */
    static int matmulTile(int maxGroup, int outputsPerItem, int minTile, long localMemoryBytes, int maxTile) {
        int tile = minTile;
        while (tile * 2 <= maxTile
                && (long) (tile * 2) * (tile * 2) / outputsPerItem <= maxGroup
                && 2L * (tile * 2) * (tile * 2) * Float.BYTES <= localMemoryBytes) {
            tile *= 2;
        }
        return tile;
    }

    /** {@code n} rounded up to a multiple of {@code multiple}. */
    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
