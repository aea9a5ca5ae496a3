package dev.moegen.tune.db;

import dev.moegen.runtime.exec.DeviceInfo;

/** The device a tuned entry was measured on: backend, name, driver (and compiler) version, architecture. */
public record DeviceKey(String backend, String name, String driver, String arch) {
    public static DeviceKey of(DeviceInfo d) {
        return new DeviceKey(d.target().backend().id(), d.name(), d.driver(), d.arch());
    }

    public boolean sameDevice(DeviceKey o) {
        return backend.equals(o.backend) && name.equals(o.name) && driver.equals(o.driver);
    }

    public boolean sameArch(DeviceKey o) {
        return backend.equals(o.backend) && arch.equals(o.arch);
    }

    /** A folder name: backend, device and driver, with anything but letters, digits, '.' and '-' as '_'. */
    public String slug() {
        return (backend + "-" + name + "-" + driver).replaceAll("[^A-Za-z0-9.-]+", "_");
    }
}
