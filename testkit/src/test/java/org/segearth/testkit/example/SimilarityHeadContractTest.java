package org.segearth.testkit.example;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.config.JsonConfig;
import org.segearth.testkit.SegmentationHeadContract;

/** The walkthrough's third head passes the segmentation head contract. */
class SimilarityHeadContractTest extends SegmentationHeadContract {

    @TempDir
    Path dir;

    private NDManager manager;
    private Checkpoint checkpoint;

    @Override
    protected SegmentationHeadProvider provider() {
        return new SimilarityHeadProvider();
    }

    @Override
    protected ComponentContext context() {
        try {
            if (manager == null) {
                manager = Engines.newManager();
                // a tiny checkpoint: 8 feature channels, queries of width 16, seeded weights
                try (NDManager m = manager.newSubManager()) {
                    SafetensorsWriter.write(dir.resolve("model.safetensors"),
                            Map.of("query_proj.weight", random(m, 3, new Shape(8, 16))), Map.of());
                }
                Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 8, \"query_dim\": 16}");
                checkpoint = Checkpoint.open(dir, manager);
            }
            return new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")), checkpoint, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void release() {
        if (manager != null) {
            checkpoint.close();
            manager.close();
            manager = null;
        }
    }
}
