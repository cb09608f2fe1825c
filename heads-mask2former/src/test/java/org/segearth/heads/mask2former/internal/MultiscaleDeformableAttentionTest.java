package org.segearth.heads.mask2former.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.spi.Weights;

/**
 * The deformable attention against a plain-loop transcription of HF's
 * {@code multi_scale_deformable_attention} ({@code grid_sample}, bilinear, zero padding,
 * align_corners=False), with offsets large enough that many samples fall outside the maps, on
 * their left edge (x0 = -1) included.
 */
class MultiscaleDeformableAttentionTest {

    private static final int DIM = 8;
    private static final int HEADS = 2;
    private static final int LEVELS = 2;
    private static final int POINTS = 3;
    private static final int[][] SHAPES = {{2, 3}, {4, 5}};

    @Test
    void matchesTheReferenceLoopsInsideAndOutsideTheMaps() {
        Engines.init();
        Random r = new Random(11);
        int s = 0;
        for (int[] hw : SHAPES) {
            s += hw[0] * hw[1];
        }
        int n = HEADS * LEVELS * POINTS;
        Map<String, float[]> values = new HashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        put(values, shapes, "sampling_offsets.weight", random(r, 2 * n * DIM, 0.8), 2L * n, DIM);
        put(values, shapes, "sampling_offsets.bias", random(r, 2 * n, 1.5), 2L * n);
        put(values, shapes, "attention_weights.weight", random(r, n * DIM, 0.5), n, DIM);
        put(values, shapes, "attention_weights.bias", random(r, n, 0.5), n);
        for (String p : new String[] {"value_proj", "output_proj"}) {
            put(values, shapes, p + ".weight", random(r, DIM * DIM, 0.4), DIM, DIM);
            put(values, shapes, p + ".bias", random(r, DIM, 0.1), DIM);
        }
        float[] hidden = random(r, s * DIM, 1);
        float[] position = random(r, s * DIM, 1);
        try (NDManager m = Engines.newManager()) {
            Weights w = new ArrayWeights(m, values, shapes);
            MultiscaleDeformableAttention attention = new MultiscaleDeformableAttention(w, DIM, HEADS, LEVELS, POINTS);
            NDArray refs = MultiscaleDeformableAttention.referencePoints(m, SHAPES);
            float[] got = attention.forward(m.create(hidden, new Shape(1, s, DIM)), m.create(position, new Shape(1, s, DIM)),
                    refs, SHAPES).toFloatArray();
            float[] expected = reference(values, hidden, position, refs.toFloatArray(), s);
            int leftEdge = countLeftEdge(values, hidden, position, refs.toFloatArray(), s);
            assertTrue(leftEdge > 0, "no sample with x0 = -1: the test does not reach that case");
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5, "element " + i);
            }
        }
    }

    private static float[] reference(Map<String, float[]> w, float[] hidden, float[] position, float[] refs, int s) {
        int hd = DIM / HEADS;
        float[] value = linear(hidden, w.get("value_proj.weight"), w.get("value_proj.bias"), s, DIM, DIM);
        float[] q = new float[s * DIM];
        for (int i = 0; i < q.length; i++) {
            q[i] = hidden[i] + position[i];
        }
        int n = HEADS * LEVELS * POINTS;
        float[] off = linear(q, w.get("sampling_offsets.weight"), w.get("sampling_offsets.bias"), s, DIM, 2 * n);
        float[] logits = linear(q, w.get("attention_weights.weight"), w.get("attention_weights.bias"), s, DIM, n);
        float[] out = new float[s * DIM];
        for (int i = 0; i < s; i++) {
            for (int h = 0; h < HEADS; h++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < LEVELS * POINTS; k++) {
                    max = Math.max(max, logits[i * n + h * LEVELS * POINTS + k]);
                }
                double sum = 0;
                for (int k = 0; k < LEVELS * POINTS; k++) {
                    sum += Math.exp(logits[i * n + h * LEVELS * POINTS + k] - max);
                }
                int start = 0;
                for (int l = 0; l < LEVELS; l++) {
                    int ht = SHAPES[l][0];
                    int wd = SHAPES[l][1];
                    for (int p = 0; p < POINTS; p++) {
                        int k = (h * LEVELS + l) * POINTS + p;
                        double a = Math.exp(logits[i * n + k] - max) / sum;
                        double ix = (refs[2 * i] + off[i * 2 * n + 2 * k] / wd) * wd - 0.5;
                        double iy = (refs[2 * i + 1] + off[i * 2 * n + 2 * k + 1] / ht) * ht - 0.5;
                        int x0 = (int) Math.floor(ix);
                        int y0 = (int) Math.floor(iy);
                        for (int c = 0; c < hd; c++) {
                            double v = 0;
                            for (int dy = 0; dy <= 1; dy++) {
                                for (int dx = 0; dx <= 1; dx++) {
                                    int x = x0 + dx;
                                    int y = y0 + dy;
                                    if (x < 0 || x >= wd || y < 0 || y >= ht) {
                                        continue;
                                    }
                                    double wgt = (dx == 0 ? x0 + 1 - ix : ix - x0) * (dy == 0 ? y0 + 1 - iy : iy - y0);
                                    v += wgt * value[(start + y * wd + x) * DIM + h * hd + c];
                                }
                            }
                            out[i * DIM + h * hd + c] += (float) (a * v);
                        }
                    }
                    start += ht * wd;
                }
            }
        }
        return linear(out, w.get("output_proj.weight"), w.get("output_proj.bias"), s, DIM, DIM);
    }

    private static int countLeftEdge(Map<String, float[]> w, float[] hidden, float[] position, float[] refs, int s) {
        float[] q = new float[s * DIM];
        for (int i = 0; i < q.length; i++) {
            q[i] = hidden[i] + position[i];
        }
        int n = HEADS * LEVELS * POINTS;
        float[] off = linear(q, w.get("sampling_offsets.weight"), w.get("sampling_offsets.bias"), s, DIM, 2 * n);
        int count = 0;
        for (int i = 0; i < s; i++) {
            for (int k = 0; k < n; k++) {
                int wd = SHAPES[(k / POINTS) % LEVELS][1];
                double ix = (refs[2 * i] + off[i * 2 * n + 2 * k] / wd) * wd - 0.5;
                count += Math.floor(ix) == -1 ? 1 : 0;
            }
        }
        return count;
    }

    private static float[] linear(float[] x, float[] weight, float[] bias, int rows, int in, int out) {
        float[] y = new float[rows * out];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < out; o++) {
                double acc = bias[o];
                for (int j = 0; j < in; j++) {
                    acc += (double) x[i * in + j] * weight[o * in + j];
                }
                y[i * out + o] = (float) acc;
            }
        }
        return y;
    }

    private static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    private static void put(Map<String, float[]> values, Map<String, long[]> shapes, String key, float[] v, long... shape) {
        values.put(key, v);
        shapes.put(key, shape);
    }

    /** Tensors from Java arrays, by key. */
    private record ArrayWeights(NDManager manager, Map<String, float[]> values, Map<String, long[]> shapes, String scope)
            implements Weights {

        ArrayWeights(NDManager manager, Map<String, float[]> values, Map<String, long[]> shapes) {
            this(manager, values, shapes, "");
        }

        @Override
        public Weights prefix(String prefix) {
            return new ArrayWeights(manager, values, shapes, key(prefix));
        }

        @Override
        public NDArray get(String key, long... shape) {
            String k = key(key);
            assertTrue(java.util.Arrays.equals(shapes.get(k), shape), k);
            return manager.create(values.get(k), new Shape(shape)).duplicate();
        }

        @Override
        public boolean contains(String key) {
            return values.containsKey(key(key));
        }

        @Override
        public long[] shapeOf(String key) {
            return shapes.get(key(key)).clone();
        }

        @Override
        public Set<String> keys() {
            return values.keySet();
        }

        private String key(String key) {
            return scope.isEmpty() ? key : scope + "." + key;
        }
    }
}
