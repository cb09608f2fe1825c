package org.segearth.demo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.checkpoint.TensorInfo;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.config.JsonConfig;

/** The layouts, given the goldens' configs, make exactly the goldens' keys and shapes. */
class LayoutGoldenTest {

    @Test
    void miphaLayoutMatchesTheComposedGolden() {
        Path dir = Goldens.dir("segearth_r2_tiny").resolve("mllm");
        List<ParamSpec> specs = MiphaLayout.specs(JsonConfig.read(dir.resolve("config.json")));
        assertEquals(shapes(dir.resolve("model.safetensors")), shapes(specs));
    }

    @Test
    void mask2formerLayoutMatchesTheHeadGolden() {
        for (Path dir : List.of(Goldens.dir("mask2former"), Goldens.dir("segearth_r2_tiny").resolve("mask_head"))) {
            List<ParamSpec> specs = Mask2FormerLayout.specs(JsonConfig.read(dir.resolve("config.json")));
            assertEquals(shapes(dir.resolve("model.safetensors")), shapes(specs), dir.toString());
        }
    }

    @Test
    void samplingGridIsDeformableDetrs() {
        float[] g = Mask2FormerLayout.samplingGrid(4);
        // head 0 looks right (1, 0), head 1 down (0, 1), head 2 left, head 3 up; point i at i + 1
        assertArrayEquals(new float[] {1, 0, 2, 0, 3, 0, 4, 0}, Arrays.copyOfRange(g, 0, 8), 1e-6f);
        int head1 = Mask2FormerLayout.LEVELS * Mask2FormerLayout.POINTS * 2;
        assertEquals(0, g[head1], 1e-6f);
        assertEquals(1, g[head1 + 1], 1e-6f);
        assertEquals(-4, g[2 * head1 + 6], 1e-6f);
    }

    @Test
    void initializerIsSeededPerKeyAndFollowsTheRule() {
        Initializer a = new Initializer(7);
        ParamSpec normal = ParamSpec.of("x.weight", new Init.Normal(0.02), 256, 256);
        float[] v = a.values(normal);
        assertArrayEquals(v, new Initializer(7).values(normal));
        assertNotEquals(v[0], new Initializer(8).values(normal)[0]);
        assertNotEquals(v[0], a.values(ParamSpec.of("y.weight", new Init.Normal(0.02), 256, 256))[0]);
        double mean = 0;
        double sq = 0;
        for (float f : v) {
            mean += f;
            sq += f * f;
        }
        mean /= v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0, mean, 1e-3);
        assertEquals(0.02, std, 1e-3);
        float[] x = a.values(ParamSpec.of("z", new Init.XavierUniform(1), 64, 32));
        double bound = Math.sqrt(6.0 / 96);
        for (float f : x) {
            assertTrue(Math.abs(f) <= bound);
        }
        float[] t = a.values(ParamSpec.of("t", new Init.TruncNormal(0.02), 1000));
        for (float f : t) {
            assertTrue(Math.abs(f) <= 0.04 + 1e-7);
        }
    }

    private static Map<String, String> shapes(Path file) {
        Map<String, String> out = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (Map.Entry<String, TensorInfo> e : f.tensors().entrySet()) {
                out.put(e.getKey(), Arrays.toString(e.getValue().shape()));
            }
        }
        return out;
    }

    private static Map<String, String> shapes(List<ParamSpec> specs) {
        Map<String, String> out = new TreeMap<>();
        specs.forEach(s -> out.put(s.key(), Arrays.toString(s.shape())));
        assertEquals(specs.size(), out.size(), "duplicate keys");
        return out;
    }
}
