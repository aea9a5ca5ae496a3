package dev.moegen.codegen.params;

/** Where a parameter's value came from, in the order they are consulted. */
public enum ParamSource {
    /** the user: --param, a launcher's pinned values, a plugin configuration */
    OVERRIDE,
    /** the tuned database for this device and shape */
    TUNED,
    /** {@link Heuristic}, for the chosen main loop */
    HEURISTIC;

    public String id() {
        return name().toLowerCase();
    }
}
