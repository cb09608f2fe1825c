package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.PhiConfig;

/**
 * Assembles a new model package from its published ingredients — a Mipha-layout language model
 * folder (e.g. Mipha-3B) and a Mask2Former checkpoint folder (e.g. the Swin-B COCO-panoptic one) —
 * with a freshly initialised [SEG] projector. The result is what the training facade starts from:
 * no SegEarth-R2 checkpoint is published, one is made by training this package.
 *
 * <pre>{@code
 * Path base = PackageAssembler.assemble(Path.of("Mipha-3B"), Path.of("mask2former-swin-base-coco-panoptic"),
 *         Path.of("segearth-r2-base"), 42);
 * }</pre>
 *
 * The ingredient folders are linked (symbolic links), not copied, so they must stay where they are.
 */
public final class PackageAssembler {

    private PackageAssembler() {}

    /**
     * Writes {@code out/} = {@code mllm/} -> {@code mllm}, {@code mask_head/} -> {@code maskHead},
     * a seeded {@code seg_projector.safetensors} (PyTorch's {@code nn.Linear} initialisation:
     * uniform in +-1/sqrt(hidden) for weight and bias) and {@code segearth.json}.
     */
    public static Path assemble(Path mllm, Path maskHead, Path out, long seed) {
        PhiConfig phi = PhiConfig.from(JsonConfig.read(requireFile(mllm.resolve("config.json"))));
        Mask2FormerConfig head = Mask2FormerConfig.from(JsonConfig.read(requireFile(maskHead.resolve("config.json"))));
        try {
            if (Files.exists(out) && Files.list(out).findAny().isPresent()) {
                throw new ModelPackageException("output folder " + out + " is not empty");
            }
            Files.createDirectories(out);
            Files.createSymbolicLink(out.resolve("mllm"), mllm.toAbsolutePath().normalize());
            Files.createSymbolicLink(out.resolve("mask_head"), maskHead.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new ModelPackageException("cannot assemble a model package in " + out + ": " + e.getMessage(), e);
        }
        writeProjector(out.resolve("seg_projector.safetensors"), phi.hiddenSize(), head.hiddenDim(), seed);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("assembled_by", "segearth " + SdkInfo.version());
        provenance.put("mllm", mllm.toAbsolutePath().normalize().toString());
        provenance.put("mask_head", maskHead.toAbsolutePath().normalize().toString());
        provenance.put("seg_projector_seed", Long.toString(seed));
        Manifest d = Manifest.defaults();
        Manifest manifest = new Manifest(Manifest.FORMAT, "untrained SegEarth-R2 base",
                "ingredients of SegEarth-R2 assembled, [SEG] projector untrained: train it before use",
                d.visionEncoder(), d.languageModel(), d.maskEncoder(), d.head(), d.segToken(), d.eosToken(),
                d.promptTemplate(), d.maskImageSize(), provenance);
        try {
            Files.writeString(out.resolve(Manifest.FILE), manifest.toJson());
        } catch (IOException e) {
            throw new ModelPackageException("cannot write " + out.resolve(Manifest.FILE) + ": " + e.getMessage(), e);
        }
        return ModelPackage.open(out).root();
    }

    private static void writeProjector(Path file, int hidden, int query, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(hidden);
        float[] weight = new float[query * hidden];
        float[] bias = new float[query];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        try (NDManager m = Engines.newManager()) {
            NDArray w = m.create(weight, new Shape(query, hidden));
            NDArray b = m.create(bias, new Shape(query));
            SafetensorsWriter.write(file, Map.of("weight", w, "bias", b), Map.of("seed", Long.toString(seed)));
        }
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelPackageException("ingredient " + file.getParent() + " has no " + file.getFileName());
        }
        return file;
    }
}
