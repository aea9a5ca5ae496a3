package dev.moegen.runtime.exec;

import dev.moegen.codegen.platform.Target;

/**
 * A device a backend offers: its name, a one-line description, the target (architecture, capabilities, limits) plans
 * for it are made for, its driver (and compiler) version, and its architecture as tuned databases key it: the
 * target's ("sm_90a") where the backend has one, else the device's type, vendor and native float width
 * ("cpu-AuthenticAMD-simd16"), which devices that run the same code the same way share.
 */
public record DeviceInfo(String name, String describe, Target target, String driver, String arch) {}
