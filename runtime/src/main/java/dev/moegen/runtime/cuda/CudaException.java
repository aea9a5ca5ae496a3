package dev.moegen.runtime.cuda;

/** A CUDA driver call that failed, with its CUresult name. */
public class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String call, int code, String name) {
        super(call + " failed: " + name + " (" + code + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }
}
