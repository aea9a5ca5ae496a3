package dev.moegen.verify.compare;

/**
 * Outcome of comparing one output with its reference. {@code worstIndex} is the element farthest
 * outside its bound (or of largest error when all pass); {@code violations} counts elements out of
 * bounds, NaN mismatches included.
 */
public record CompareResult(
        String name, long elements, double maxAbsError, double relError, double rtol, double atol,
        long violations, long worstIndex, double worstActual, double worstExpected, boolean pass, String detail) {

    public String summary() {
        return String.format("%s: %s max|err| %.3e rel %.3e (rtol %.2e atol %.2e) %d/%d out of bounds%s",
                name, pass ? "PASS" : "FAIL", maxAbsError, relError, rtol, atol, violations, elements,
                pass ? "" : String.format(", worst [%d] got %s want %s", worstIndex, worstActual, worstExpected)
                        + (detail.isEmpty() ? "" : "; " + detail));
    }
}
