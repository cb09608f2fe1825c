package org.segearth.heads.sam.internal;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.OnnxRuntimeEngine;
import org.segearth.spi.config.SamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SAM image encoder exported to ONNX ({@code pixel_values} -> {@code image_embeddings}), run by
 * ONNX Runtime through DJL. Same contract as {@link SamImageEncoder}; results are copied into the
 * caller's manager.
 */
public final class OnnxSamImageEncoder implements MaskEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxSamImageEncoder.class);
    /** DJL's name of the ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";
    /** The input name of the exported encoder. */
    public static final String INPUT = "pixel_values";

    private final ZooModel<NDList, NDList> model;
    private final FeatureSpec spec;
    private final Path file;
    private boolean closed;

    private OnnxSamImageEncoder(ZooModel<NDList, NDList> model, FeatureSpec spec, Path file) {
        this.model = model;
        this.spec = spec;
        this.file = file;
    }

    /** Loads {@code file} (an ONNX export of {@code SamVisionEncoder}) for the encoder of {@code config}. */
    public static OnnxSamImageEncoder load(Path file, SamConfig.Vision config) {
        return load(file, config, Map.of());
    }

    /**
     * Loads {@code file} with ONNX Runtime session options as DJL names them (e.g.
     * {@code intraOpNumThreads}, {@code interOpNumThreads}, {@code optLevel}).
     */
    public static OnnxSamImageEncoder load(Path file, SamConfig.Vision config, Map<String, String> sessionOptions) {
        if (!Files.isRegularFile(file)) {
            throw new SegEarthException("ONNX SAM image encoder " + file + " does not exist; export the vision encoder"
                    + " to vision_encoder.onnx beside config.json, or choose engine=java");
        }
        if (!Engine.hasEngine(ENGINE)) {
            throw new SegEarthException("the ONNX SAM image encoder " + file + " needs the ONNX Runtime engine, which is"
                    + " optional (not in the segearth starter): add ai.djl.onnxruntime:onnxruntime-engine to the class"
                    + " path, or choose engine=java");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine(ENGINE).optTranslator(new NoopTranslator())
                .optOptions(sessionOptions).build();
        try {
            OnnxRuntimeEngine.start();
            ZooModel<NDList, NDList> model = criteria.loadModel();
            LOG.debug("loaded ONNX SAM image encoder {}", file);
            return new OnnxSamImageEncoder(model, SamImageEncoder.specOf(config), file);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new SegEarthException("ONNX Runtime could not load the SAM image encoder " + file + ": "
                    + e.getMessage() + "; check that ai.djl.onnxruntime:onnxruntime-engine is on the class path", e);
        }
    }

    @Override
    public FeatureSpec outputSpec() {
        return spec;
    }

    @Override
    public List<NDArray> encode(NDArray pixelValues) {
        if (closed) {
            throw new SegEarthException("the ONNX SAM image encoder " + file + " is closed");
        }
        float[] data = pixelValues.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        try (NDManager ort = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray input = ort.create(data, pixelValues.getShape());
            input.setName(INPUT);
            NDList out = predictor.predict(new NDList(input));
            NDArray embeddings = out.get(0);
            NDArray copy = pixelValues.getManager().create(embeddings.toFloatArray(), embeddings.getShape());
            out.close();
            return List.of(copy);
        } catch (TranslateException e) {
            throw new SegEarthException("ONNX Runtime failed on the SAM image encoder " + file + " with input "
                    + pixelValues.getShape() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
