package dev.moegen.runtime.exec;

import dev.moegen.codegen.platform.Target;

/** A device a backend offers: its name, a one-line description, and the target (architecture, capabilities, limits) plans for it are made for. */
public record DeviceInfo(String name, String describe, Target target) {}
