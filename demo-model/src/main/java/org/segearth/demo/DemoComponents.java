package org.segearth.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.registry.ProviderRegistry;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;

/**
 * The components of a model package opened one by one through the {@link ProviderRegistry}, as
 * the pipeline opens them (one checkpoint of {@code mllm/} shared by the vision encoder and the
 * language model, the adapter applied unmerged, the mask encoder and head from {@code mask_head/}),
 * with the keys each checkpoint left unread. Used to check that a made package loads and to time
 * the components ({@link #requireGradients()} for a training step).
 *
 * <pre>{@code
 * try (DemoComponents c = DemoComponents.open(Path.of("demo-init"))) {
 *     NDArray tokens = c.vision().encode(pixels);
 * }
 * }</pre>
 *
 * @param manager owns every weight
 * @param vision the vision encoder ({@code mllm/})
 * @param lm the language model ({@code mllm/}, adapter applied when the package has one)
 * @param maskEncoder the mask encoder ({@code mask_head/})
 * @param head the segmentation head ({@code mask_head/})
 * @param segProjectorWeight {@code [head width, lm width]}
 * @param segProjectorBias {@code [head width]}
 * @param unused per checkpoint ({@code mllm}, {@code adapter}, {@code mask_head}, {@code seg_projector}) the keys nobody read
 */
public record DemoComponents(NDManager manager, VisionEncoder vision, LanguageModel lm, MaskEncoder maskEncoder,
        SegmentationHead head, NDArray segProjectorWeight, NDArray segProjectorBias, Map<String, Set<String>> unused)
        implements AutoCloseable {

    /** Opens {@code root}. */
    public static DemoComponents open(Path root) {
        ModelPackage pkg = ModelPackage.open(root);
        Manifest m = pkg.manifest();
        ProviderRegistry registry = new ProviderRegistry(DemoComponents.class.getClassLoader());
        Engines.init();
        NDManager manager = Engines.newManager();
        List<AutoCloseable> opened = new ArrayList<>();
        List<Checkpoint> files = new ArrayList<>();
        try {
            Checkpoint mllm = track(files, Checkpoint.open(pkg.mllm(), manager));
            ComponentContext mllmContext = new ComponentContext(pkg.mllm(), JsonConfig.read(pkg.mllm().resolve(
                    "config.json")), mllm, Map.of());
            VisionEncoder vision = track(opened, registry.find(VisionEncoderProvider.class, m.visionEncoder())
                    .create(mllmContext));
            LanguageModel lm = track(opened, registry.find(LanguageModelProvider.class, m.languageModel())
                    .create(mllmContext));
            Map<String, Set<String>> unused = new java.util.LinkedHashMap<>();
            unused.put("mllm", mllm.unusedKeys());
            if (pkg.adapter().isPresent()) {
                Path dir = pkg.adapter().get();
                Checkpoint adapter = track(files, Checkpoint.open(dir.resolve("adapter_model.safetensors"), manager));
                lm.applyAdapter(LoraConfig.from(JsonConfig.read(dir.resolve("adapter_config.json"))),
                        adapter, false);
                unused.put("adapter", adapter.unusedKeys());
            }
            Checkpoint mask = track(files, Checkpoint.open(pkg.maskHead(), manager));
            ComponentContext maskContext = new ComponentContext(pkg.maskHead(), JsonConfig.read(pkg.maskHead().resolve(
                    "config.json")), mask, Map.of());
            MaskEncoder encoder = track(opened, registry.find(MaskEncoderProvider.class, m.maskEncoder())
                    .create(maskContext));
            SegmentationHead head = track(opened, registry.find(SegmentationHeadProvider.class, m.head())
                    .create(maskContext));
            head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), m.maskEncoder(), m.head());
            unused.put("mask_head", mask.unusedKeys());
            Checkpoint seg = track(files, Checkpoint.open(pkg.segProjector(), manager));
            NDArray weight = seg.get("weight", head.queryDim(), lm.hiddenSize());
            NDArray bias = seg.get("bias", head.queryDim());
            unused.put("seg_projector", seg.unusedKeys());
            unused.replaceAll((k, v) -> new TreeSet<>(v));
            return new DemoComponents(manager, vision, lm, encoder, head, weight, bias, unused);
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception ignored) {
                    // closing after a failure
                }
            }
            manager.close();
            throw e instanceof ModelPackageException ? e : new ModelPackageException("model package " + root
                    + " does not load: " + e.getMessage(), e);
        } finally {
            files.forEach(Checkpoint::close); // every tensor was copied out of the mapping
        }
    }

    private static <T extends AutoCloseable> T track(List<? super T> opened, T t) {
        opened.add(t);
        return t;
    }

    /**
     * Makes autograd track every weight the components compute with (their live {@code parameters()},
     * the language model's adapter and the SEG projector), as training a model from scratch does.
     */
    public void requireGradients() {
        List<Map<String, NDArray>> all = List.of(vision.parameters(), lm.parameters(), lm.adapterTensors(),
                maskEncoder.parameters(), head.parameters(), Map.of("weight", segProjectorWeight, "bias", segProjectorBias));
        for (Map<String, NDArray> group : all) {
            for (NDArray a : group.values()) {
                if (a.getDataType().isFloating()) {
                    a.setRequiresGradient(true);
                }
            }
        }
    }

    /** {@code SEG_token_projector}: {@code hidden [n, lm width]} to queries {@code [n, head width]}. */
    public NDArray projectSeg(NDArray hidden) {
        return hidden.matMul(segProjectorWeight.transpose()).add(segProjectorBias);
    }

    @Override
    public void close() {
        head.close();
        maskEncoder.close();
        lm.close();
        vision.close();
        manager.close();
    }
}
