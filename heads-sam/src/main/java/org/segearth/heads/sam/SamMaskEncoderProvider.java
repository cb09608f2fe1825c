package org.segearth.heads.sam;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.segearth.api.SegEarthException;
import org.segearth.heads.sam.internal.OnnxSamImageEncoder;
import org.segearth.heads.sam.internal.SamImageEncoder;
import org.segearth.heads.sam.internal.SamLayout;
import org.segearth.heads.sam.internal.SamVisionEncoder;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.config.SamConfig;

/**
 * The mask encoder {@code sam}: SAM's ViT image encoder, producing the image embeddings
 * ({@code output_channels} at stride {@code patch_size}). Options: {@code engine=java} (default,
 * weights {@code vision_encoder.*} of the checkpoint) or {@code engine=onnx} (ONNX Runtime on
 * {@code vision_encoder.onnx} in the component folder, or the file given by {@code onnx.file};
 * {@code onnx.session.*} options go to the ONNX Runtime session, e.g.
 * {@code onnx.session.intraOpNumThreads=2}).
 */
public final class SamMaskEncoderProvider implements MaskEncoderProvider {

    /** The provider name. */
    public static final String NAME = "sam";
    /** The option that picks the engine. */
    public static final String ENGINE_OPTION = "engine";
    /** The option naming the ONNX file. */
    public static final String ONNX_FILE_OPTION = "onnx.file";
    /**
     * Options starting with this prefix are ONNX Runtime session options, e.g.
     * {@code onnx.session.intraOpNumThreads=2}.
     */
    public static final String ONNX_SESSION_PREFIX = "onnx.session.";
    /** The ONNX file looked for in the component folder. */
    public static final String ONNX_FILE = "vision_encoder.onnx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public MaskEncoder create(ComponentContext context) {
        SamConfig config = SamConfig.from(context.config());
        String engine = context.option(ENGINE_OPTION).orElse("java").toLowerCase(Locale.ROOT);
        switch (engine) {
            case "java":
                return new SamImageEncoder(new SamVisionEncoder(
                        SamLayout.root(context.weights()).prefix("vision_encoder"), config.vision()));
            case "onnx":
                Path file = context.option(ONNX_FILE_OPTION).map(Path::of)
                        .orElse(context.directory().resolve(ONNX_FILE));
                Map<String, String> session = new TreeMap<>();
                context.options().forEach((k, v) -> {
                    if (k.startsWith(ONNX_SESSION_PREFIX)) {
                        session.put(k.substring(ONNX_SESSION_PREFIX.length()), v);
                    }
                });
                return OnnxSamImageEncoder.load(file, config.vision(), session);
            default:
                throw new SegEarthException("SAM image encoder engine '" + engine + "' is unknown; use "
                        + ENGINE_OPTION + "=java or " + ENGINE_OPTION + "=onnx");
        }
    }
}
