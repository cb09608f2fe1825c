package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.Weights;

class CheckpointGoldenTest {

    @Test
    void readsGoldenPhiCheckpointByScopedKey() {
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(Goldens.dir("phi"), m)) {
            Weights layer = ckpt.prefix("model.layers.0");
            NDArray q = layer.get("self_attn.q_proj.weight", 80, 80);
            assertEquals(DataType.FLOAT32, q.getDataType());
            assertArrayEquals(new long[] {80, 80}, q.getShape().getShape());
            assertTrue(Float.isFinite(q.sum().getFloat()));
            assertTrue(ckpt.unusedKeys().contains("lm_head.weight"));
            SegEarthException missing = assertThrows(SegEarthException.class, () -> layer.get("self_attn.q_prj.weight"));
            assertTrue(missing.getMessage().contains("nearest existing key: 'model.layers.0.self_attn.q_proj.weight'"),
                    missing.getMessage());
            SegEarthException shape = assertThrows(SegEarthException.class, () -> layer.get("self_attn.q_proj.weight", 80, 64));
            assertTrue(shape.getMessage().contains("[80, 80]"), shape.getMessage());
        }
    }
}
