package org.segearth.runtime.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;

/**
 * The result of comparing one tensor with its expected value like {@code numpy.allclose}:
 * {@code |actual - expected| <= atol + rtol * |expected|} everywhere.
 *
 * @param name the tensor's name
 * @param shape the expected shape
 * @param ok whether every element is within tolerance (and the shapes match)
 * @param maxAbsDiff the largest |actual - expected|
 * @param worstIndex the index (in the expected shape) where the tolerance is exceeded most, or of the largest difference
 * @param actualAtWorst the actual value there
 * @param expectedAtWorst the expected value there
 * @param problem why the comparison failed beyond values (a shape mismatch), or null
 */
public record TensorComparison(String name, long[] shape, boolean ok, double maxAbsDiff, long[] worstIndex,
        double actualAtWorst, double expectedAtWorst, String problem) {

    /** Compares {@code actual} with {@code expected}. */
    public static TensorComparison compare(String name, NDArray actual, NDArray expected, double atol, double rtol) {
        long[] shape = expected.getShape().getShape();
        if (!actual.getShape().equals(expected.getShape())) {
            return new TensorComparison(name, shape, false, Double.NaN, new long[0], Double.NaN, Double.NaN,
                    "shape " + actual.getShape() + " differs from expected " + expected.getShape());
        }
        double[] a = toDoubles(actual);
        double[] e = toDoubles(expected);
        double maxDiff = 0;
        int worst = -1;
        double worstExcess = Double.NEGATIVE_INFINITY;
        int largest = -1;
        boolean ok = true;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(a[i] - e[i]);
            boolean bad = !(diff <= atol + rtol * Math.abs(e[i]));  // NaN counts as bad
            if (Double.isNaN(diff)) {
                diff = Double.POSITIVE_INFINITY;
            }
            if (largest < 0 || diff > maxDiff) {
                maxDiff = diff;
                largest = i;
            }
            if (bad) {
                ok = false;
                double excess = diff - (atol + rtol * Math.abs(e[i]));
                if (worst < 0 || excess > worstExcess || Double.isNaN(excess)) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        int at = ok ? largest : worst;
        if (at < 0) {
            return new TensorComparison(name, shape, true, 0, new long[0], Double.NaN, Double.NaN, null);
        }
        return new TensorComparison(name, shape, ok, maxDiff, unravel(at, shape), a[at], e[at], null);
    }

    private static double[] toDoubles(NDArray array) {
        NDArray converted = array.getDataType() == DataType.FLOAT64 ? array : array.toType(DataType.FLOAT64, false);
        double[] out = converted.toDoubleArray();
        if (converted != array) {
            converted.close();
        }
        return out;
    }

    private static long[] unravel(long flat, long[] shape) {
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return index;
    }

    /** One readable line: name, shape, max abs diff, worst index with its values. */
    public String describe() {
        if (problem != null) {
            return String.format(Locale.ROOT, "%-4s %s: %s", "FAIL", name, problem);
        }
        return String.format(Locale.ROOT, "%-4s %s %s max_abs_diff=%.3e worst=%s actual=%.6g expected=%.6g",
                ok ? "ok" : "FAIL", name, Arrays.toString(shape), maxAbsDiff, Arrays.toString(worstIndex),
                actualAtWorst, expectedAtWorst);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] worstIndex() {
        return worstIndex.clone();
    }
}
