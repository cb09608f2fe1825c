package org.segearth.encoders.siglip.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.OnnxRuntimeEngine;

/**
 * A {@link VisionTower} backed by an ONNX file run by ONNX Runtime through DJL's OnnxRuntime
 * engine: one float input {@code [batch, 3, H, W]}, its first output the tower's features.
 * Inputs and outputs are copied between the caller's engine and ONNX Runtime.
 */
public final class OnnxVisionTower implements VisionTower {

    /** DJL's name of the ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final Path file;
    private volatile boolean closed;

    /**
     * Loads {@code onnxFile}.
     *
     * @param intraOpThreads ONNX Runtime's intra-op threads; 0 or less leaves ONNX Runtime's default
     */
    public OnnxVisionTower(Path onnxFile, int intraOpThreads) {
        if (!Files.isRegularFile(onnxFile)) {
            throw new SegEarthException("ONNX vision encoder file " + onnxFile + " does not exist;"
                    + " give the path of the exported .onnx file (option onnx=...)");
        }
        this.file = onnxFile;
        Map<String, Object> options = new HashMap<>();
        if (intraOpThreads > 0) {
            options.put("intraOpNumThreads", String.valueOf(intraOpThreads));
            options.put("interOpNumThreads", "1");
        }
        String name = onnxFile.getFileName().toString().replaceFirst("\\.onnx$", "");
        Model m;
        try {
            OnnxRuntimeEngine.start();
            m = Model.newInstance(name, Device.cpu(), ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new SegEarthException("the ONNX Runtime engine could not start: " + e.getMessage()
                    + "; ONNX Runtime is optional (not in the segearth starter): add"
                    + " ai.djl.onnxruntime:onnxruntime-engine to the class path", e);
        }
        try {
            m.load(onnxFile.toAbsolutePath().getParent(), name, options);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new SegEarthException("cannot load ONNX model " + onnxFile + ": " + e.getMessage(), e);
        }
        this.model = m;
    }

    @Override
    public NDArray features(NDArray pixelValues) {
        if (closed) {
            throw new SegEarthException("the ONNX vision encoder " + file + " is closed");
        }
        try (NDManager ort = model.getNDManager().newSubManager()) {
            NDArray input = ort.create(pixelValues.toFloatArray(), pixelValues.getShape());
            NDList out = model.getBlock().forward(new ParameterStore(ort, false), new NDList(input), false);
            NDArray features = out.get(0);
            return pixelValues.getManager().create(features.toFloatArray(), features.getShape());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
