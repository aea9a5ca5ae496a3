package dev.moegen.runtime.exec;

/**
 * A launch enqueued without waiting for it. Its device time is known once the session's {@link DeviceSession#finish}
 * has returned: sessions wait once per batch of launches, never between kernels.
 */
public final class Pending {
    private final String kernel;
    private long nanos = -1;

    public Pending(String kernel) {
        this.kernel = kernel;
    }

    /** Called by the session when the launch's events are read. */
    public void complete(long nanos) {
        this.nanos = nanos;
    }

    /** Device nanoseconds of the launch; only after {@link DeviceSession#finish}. */
    public long nanos() {
        if (nanos < 0) throw new IllegalStateException(kernel + ": device time read before the session's finish()");
        return nanos;
    }
}
