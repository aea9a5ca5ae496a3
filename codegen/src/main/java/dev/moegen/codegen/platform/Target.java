package dev.moegen.codegen.platform;

/**
 * What a plan is made for: a backend, an architecture ("sm_90a", "sm_80"; "" where the backend has none), what the
 * hardware can do and its per-block limits. A session's target carries its device's real limits; a dialect's
 * ahead-of-time target carries conservative ones.
 */
public record Target(BackendId backend, String arch, Capabilities caps, DeviceLimits limits) {
    /** The same target with a device's measured limits. */
    public Target withLimits(DeviceLimits l) {
        return new Target(backend, arch, caps, l);
    }

    /** wgmma exists on sm_90a only (the "a" features are not forward compatible). */
    public boolean hasWgmma() {
        return caps.wgmma();
    }

    public String describe() {
        return backend.id() + (arch.isEmpty() ? "" : " " + arch);
    }
}
