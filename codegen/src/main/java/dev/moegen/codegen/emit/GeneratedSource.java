package dev.moegen.codegen.emit;

import dev.moegen.codegen.Backend;

/** One generated kernel source file. */
public record GeneratedSource(Backend backend, String fileName, String text) {}
