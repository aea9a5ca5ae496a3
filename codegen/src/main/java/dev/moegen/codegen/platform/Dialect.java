package dev.moegen.codegen.platform;

import java.util.Optional;

/**
 * How one backend's kernels are spelled and built: the template folder with its prelude and tensor-core primitives
 * ({@code templates/<folder>/prelude.ftl}, {@code tensor_core.ftl}, and {@code bench_tc.ftl} where the target has
 * tensor cores), the file extension, its targets, and the toolchain that turns a source into binaries where one is
 * installed. Registered through {@link java.util.ServiceLoader}: see {@link Dialects}.
 */
public interface Dialect {
    BackendId id();

    /** Source file extension with the dot, e.g. ".cl". */
    String extension();

    /** Folder under the templates root holding this dialect's prelude. */
    default String templateFolder() {
        return id().id();
    }

    /** The target generated for when no device is at hand. */
    Target aheadOfTime();

    /** The target named by an architecture string; the error names the allowed form. */
    Target target(String arch);

    /** Whether sources are compiled to binaries when generated (CUDA: nvcc) rather than by the driver at load time (OpenCL). */
    default boolean compilesAheadOfTime() {
        return false;
    }

    /** The compiler that turns generated sources into binaries, when it is installed. */
    Optional<Toolchain> toolchain();

    /** Why {@link #toolchain} is empty, for error messages. */
    default String toolchainHint() {
        return "";
    }
}
