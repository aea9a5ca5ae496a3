package dev.moegen.harness.check;

/** One line of a verification table. */
public record CheckRow(String kernel, String shape, double maxAbsErr, double relErr, String tolerance, boolean pass, double millis, String detail) {}
