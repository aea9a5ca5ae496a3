package dev.moegen.codegen.emit;

import dev.moegen.codegen.platform.BackendId;

/** One generated kernel source file. */
public record GeneratedSource(BackendId backend, String fileName, String text) {}
