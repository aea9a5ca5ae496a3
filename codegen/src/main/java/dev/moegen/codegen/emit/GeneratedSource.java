package dev.moegen.codegen.emit;

import dev.moegen.codegen.target.BackendId;

/** One generated kernel source file. */
public record GeneratedSource(BackendId backend, String fileName, String text) {}
