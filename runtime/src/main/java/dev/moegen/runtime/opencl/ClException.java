package dev.moegen.runtime.opencl;

/** An OpenCL call that failed, with the call and the CL error name. */
public class ClException extends RuntimeException {
    private final int code;

    public ClException(String call, int code, String detail) {
        super(call + " failed: " + ClErrors.name(code) + " (" + code + ")" + (detail == null || detail.isEmpty() ? "" : "\n" + detail));
        this.code = code;
    }

    public int code() {
        return code;
    }
}
