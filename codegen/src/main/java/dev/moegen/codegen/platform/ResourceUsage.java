package dev.moegen.codegen.platform;

/** What ptxas reports for one kernel on one architecture. */
public record ResourceUsage(String kernel, String arch, int registers, int stackBytes, int spillStoreBytes, int spillLoadBytes,
                            int sharedBytes, int barriers) {
    public boolean spills() {
        return stackBytes > 0 || spillStoreBytes > 0 || spillLoadBytes > 0;
    }
}
