package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.PhiConfig;

/**
 * Assembles a new model package from its published ingredients — a Mipha-layout language model
 * folder (e.g. Mipha-3B) and a Mask2Former checkpoint folder (e.g. the Swin-B COCO-panoptic one) —
 * with a freshly initialised [SEG] projector. The result is what the training facade starts from:
 * no SegEarth-R2 checkpoint is published, one is made by training this package.
 *
 * <pre>{@code
 * Path base = PackageAssembler.assemble(Path.of("Mipha-3B"), Path.of("mask2former-swin-base-IN21k-coco-panoptic"),
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
     *
     * <p>{@code maskHead} is a Hugging Face Mask2Former folder (the official recipe's is
     * {@code facebook/mask2former-swin-base-IN21k-coco-panoptic}) or a Hugging Face SAM folder
     * ({@code model_type} {@code sam}, e.g. {@code facebook/sam-vit-base}): the package then runs the
     * SAM head, the [SEG] query as SAM's sparse prompt. Weights may be safetensors (shards
     * included) or {@code pytorch_model.bin}; the language model's tokenizer may be
     * {@code tokenizer.json} or the files Mipha-3B ships ({@code vocab.json}, {@code merges.txt} ...).
     *
     * <p>Everything is checked before anything is written: both configs, both checkpoints'
     * headers, the tokenizer, then the assembled package is built on placeholders (every key and
     * shape) in a folder beside {@code out}, which is renamed into place only when that passes. A
     * failure leaves nothing behind.
     */
    public static Path assemble(Path mllm, Path maskHead, Path out, long seed) {
        PhiConfig phi = PhiConfig.from(JsonConfig.read(requireFile(mllm.resolve("config.json"))));
        JsonConfig headJson = JsonConfig.read(requireFile(maskHead.resolve("config.json")));
        Head head = head(headJson, maskHead);
        requireWeights(mllm, "language model");
        requireWeights(maskHead, "mask head");
        requireEmptyOrAbsent(out);
        Path target = out.toAbsolutePath().normalize();
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".init-");
            Files.createSymbolicLink(staging.resolve("mllm"), mllm.toAbsolutePath().normalize());
            Files.createSymbolicLink(staging.resolve("mask_head"), maskHead.toAbsolutePath().normalize());
            writeProjector(staging.resolve("seg_projector.safetensors"), phi.hiddenSize(), head.queryDim(), seed);
            Manifest manifest = manifest(mllm, maskHead, seed, head);
            Files.writeString(staging.resolve(Manifest.FILE), manifest.toJson());
            // every component built on the headers: keys, shapes, providers, tokenizer
            org.segearth.runtime.pipeline.internal.ComponentLoader.verify(ModelPackage.open(staging),
                    ModelOptions.defaults());
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
        } catch (IOException e) {
            throw new ModelPackageException("cannot assemble a model package in " + out + ": " + e.getMessage(), e);
        } catch (ModelPackageException e) {
            String staged = staging == null ? "" : staging.toString();
            throw staged.isEmpty() || !e.getMessage().contains(staged) ? e
                    : new ModelPackageException(e.getMessage().replace(staged, out.toString()), e);
        } finally {
            if (staging != null) {
                try {
                    FileTrees.deleteTree(staging);
                } catch (IOException ignored) {
                    // best effort: a folder of links and small files beside out
                }
            }
        }
        return ModelPackage.open(out).root();
    }

    /** The head a mask-head folder holds: its provider names, query width and letterbox size. */
    private record Head(String kind, String maskEncoder, String head, int queryDim, int imageSize) {}

    private static Head head(JsonConfig c, Path dir) {
        String type = c.getString("model_type", "");
        Manifest d = Manifest.defaults();
        if (type.equals("sam")) {
            SamConfig sam = SamConfig.from(c);
            return new Head("sam", "sam", "sam", sam.promptEncoder().hiddenSize(), sam.vision().imageSize());
        }
        if (type.equals("mask2former") || c.optObject("backbone_config").isPresent()) {
            Mask2FormerConfig m = Mask2FormerConfig.from(c);
            return new Head("mask2former", d.maskEncoder(), d.head(), m.hiddenDim(), d.maskImageSize());
        }
        throw new ModelPackageException("ingredient " + dir + ": config.json has model_type '"
                + org.segearth.runtime.Messages.abbreviate(type, 40) + "'; expected a Hugging Face Mask2Former"
                + " (mask2former) or SAM (sam) folder");
    }

    private static Manifest manifest(Path mllm, Path maskHead, long seed, Head head) {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("assembled_by", "segearth " + SdkInfo.version());
        provenance.put("mllm", mllm.toAbsolutePath().normalize().toString());
        provenance.put("mask_head", maskHead.toAbsolutePath().normalize().toString());
        provenance.put("seg_projector_seed", Long.toString(seed));
        Manifest d = Manifest.defaults();
        boolean sam = head.kind().equals("sam");
        return new Manifest(Manifest.FORMAT, sam ? "untrained SegEarth-R2 base (SAM head)" : "untrained SegEarth-R2 base",
                "ingredients of SegEarth-R2 assembled" + (sam ? " with a SAM head ([SEG] as SAM's prompt)" : "")
                        + ", [SEG] projector untrained: train it before use",
                d.visionEncoder(), d.languageModel(), head.maskEncoder(), head.head(), d.segToken(), d.eosToken(),
                d.promptTemplate(), head.imageSize(), provenance);
    }

    private static void requireWeights(Path dir, String what) {
        try {
            if (Checkpoint.headers(dir).isEmpty()) {
                throw new ModelPackageException("ingredient " + dir + " (" + what + ") holds no tensors");
            }
        } catch (ModelPackageException e) {
            throw e;
        } catch (org.segearth.api.SegEarthException e) {
            throw new ModelPackageException("ingredient " + dir + " (" + what + "): " + e.getMessage(), e);
        }
    }

    private static void requireEmptyOrAbsent(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent()) {
                throw new ModelPackageException("output folder " + out + " is not empty");
            }
        } catch (IOException e) {
            throw new ModelPackageException("cannot read the output folder " + out + ": " + e.getMessage(), e);
        }
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
