package dev.moegen.autotune.strategy;

/** A Gaussian-process regression with a Matérn 5/2 kernel on standardised targets; the length scale maximises the marginal likelihood. */
final class Gp {
    private final double[][] x;
    private final double[][] chol;
    private final double[] alpha;
    private final double length, mean, scale;

    private Gp(double[][] x, double[][] chol, double[] alpha, double length, double mean, double scale) {
        this.x = x;
        this.chol = chol;
        this.alpha = alpha;
        this.length = length;
        this.mean = mean;
        this.scale = scale;
    }

    static Gp fit(double[][] x, double[] y) {
        int m = y.length;
        double mean = 0, var = 0;
        for (double v : y) mean += v / m;
        for (double v : y) var += (v - mean) * (v - mean) / m;
        double scale = var > 1e-18 ? Math.sqrt(var) : 1;
        double[] z = new double[m];
        for (int i = 0; i < m; i++) z[i] = (y[i] - mean) / scale;
        Gp best = null;
        double bestLml = Double.NEGATIVE_INFINITY;
        for (double l : BayesOpt.LENGTH_SCALES) {
            double[][] k = new double[m][m];
            for (int i = 0; i < m; i++)
                for (int j = 0; j <= i; j++) k[i][j] = k[j][i] = kernel(x[i], x[j], l) + (i == j ? BayesOpt.NOISE : 0);
            double[][] c = cholesky(k);
            double[] a = backSolve(c, forwardSolve(c, z));
            double lml = 0;
            for (int i = 0; i < m; i++) lml += -0.5 * z[i] * a[i] - Math.log(c[i][i]);
            if (best == null || lml > bestLml) {
                bestLml = lml;
                best = new Gp(x, c, a, l, mean, scale);
            }
        }
        return best;
    }

    double standardise(double y) {
        return (y - mean) / scale;
    }

    /** Mean and variance of the standardised target at {@code p}. */
    double[] predict(double[] p) {
        int m = x.length;
        double[] k = new double[m];
        double mu = 0;
        for (int i = 0; i < m; i++) {
            k[i] = kernel(p, x[i], length);
            mu += k[i] * alpha[i];
        }
        double[] v = forwardSolve(chol, k);
        double vv = 0;
        for (double t : v) vv += t * t;
        return new double[] {mu, Math.max(1e-12, 1 - vv)};
    }

    static double kernel(double[] a, double[] b, double l) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d += (a[i] - b[i]) * (a[i] - b[i]);
        double r = Math.sqrt(5 * d) / l;
        return (1 + r + r * r / 3) * Math.exp(-r);
    }

    /** Lower-triangular L with L·Lᵀ = k (k symmetric positive definite: the noise term keeps it so). */
    static double[][] cholesky(double[][] k) {
        int n = k.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double s = k[i][j];
                for (int t = 0; t < j; t++) s -= c[i][t] * c[j][t];
                c[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-12)) : s / c[j][j];
            }
        return c;
    }

    static double[] forwardSolve(double[][] c, double[] b) {
        int n = b.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int t = 0; t < i; t++) s -= c[i][t] * x[t];
            x[i] = s / c[i][i];
        }
        return x;
    }

    static double[] backSolve(double[][] c, double[] b) {
        int n = b.length;
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int t = i + 1; t < n; t++) s -= c[t][i] * x[t];
            x[i] = s / c[i][i];
        }
        return x;
    }

    static double pdf(double z) {
        return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    /** Standard normal CDF through erf (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
    static double cdf(double z) {
        double t = Math.abs(z) / Math.sqrt(2), u = 1 / (1 + 0.3275911 * t);
        double erf = 1 - u * (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429)))) * Math.exp(-t * t);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
