package org.segearth.heads.sam.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SamConfig;

class SamModelPromptsTest {

    @Test
    void boxesMasksAndNoPromptRunWithTheirShapes() {
        SamConfig c = SamConfig.from(JsonConfig.read(Goldens.dir("sam").resolve("config.json")));
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(Goldens.dir("sam"), m);
                Checkpoint io = Checkpoint.open(Goldens.dir("sam").resolve("io.safetensors"), m)) {
            SamModel model = new SamModel(ckpt, c);
            NDArray emb = io.get("image_embeddings");
            NDArray boxes = m.create(new float[] {4, 8, 40, 50, 0, 0, 63, 63}, new Shape(1, 2, 4));
            SamMaskDecoder.Output byBoxes = model.predict(emb, null, null, boxes, null, true);
            assertArrayEquals(new long[] {1, 2, 3, 32, 32}, byBoxes.masks().getShape().getShape());
            assertArrayEquals(new long[] {1, 2, 3}, byBoxes.iouScores().getShape().getShape());

            NDArray mask = m.randomNormal(new Shape(1, 1, 32, 32));
            SamMaskDecoder.Output byMask = model.predict(emb, null, null, null, mask, false);
            assertArrayEquals(new long[] {1, 1, 1, 32, 32}, byMask.masks().getShape().getShape());

            SamMaskDecoder.Output none = model.predict(emb, null, null, null, null, true);
            assertArrayEquals(new long[] {1, 1, 3, 32, 32}, none.masks().getShape().getShape());
            // a mask prompt changes the dense embedding and so the result
            SamMaskDecoder.Output noneSingle = model.predict(emb, null, null, null, null, false);
            assertTrue(noneSingle.masks().sub(byMask.masks()).abs().max().getFloat() > 0);
        }
    }
}
