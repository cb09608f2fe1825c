package org.segearth.runtime.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.segearth.api.ModelPackageException;

/**
 * A model package folder:
 *
 * <pre>
 * my-model/
 *   segearth.json             manifest (optional: SegEarth-R2's defaults)
 *   mllm/                     Mipha layout: config.json, model*.safetensors (+ index), tokenizer.json or vocab.json + merges.txt
 *   adapter/                  optional PEFT LoRA adapter: adapter_config.json + adapter_model.safetensors
 *   mask_head/                the head's checkpoint: config.json + model.safetensors
 *   seg_projector.safetensors the [SEG] projector (weight [query, hidden], bias [query])
 *   trained.safetensors       optional: trained weights that replace base ones
 * </pre>
 *
 * A part's weights may also be a key map ({@code mllm/model.keymap.json},
 * {@code mask_head/model.keymap.json}, {@code seg_projector.keymap.json}, see
 * {@link org.segearth.runtime.checkpoint.KeyMap}): another checkpoint's tensors under this
 * layout's names, as {@code segearth import --official} writes them.
 *
 * Opening checks that every required part is there and names the first missing one.
 *
 * @param root the package folder
 * @param manifest the manifest (or the defaults)
 */
public record ModelPackage(Path root, Manifest manifest) {

    /** Opens and checks {@code root}. */
    public static ModelPackage open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new ModelPackageException("model package " + root + " is not a folder");
        }
        Path manifestFile = root.resolve(Manifest.FILE);
        Manifest manifest = Files.exists(manifestFile) ? Manifest.read(manifestFile) : Manifest.defaults();
        ModelPackage p = new ModelPackage(root, manifest);
        p.check();
        return p;
    }

    /** Opens and checks {@code root} with {@code manifest} in place of its own (or the defaults). */
    public static ModelPackage open(Path root, Manifest manifest) {
        if (!Files.isDirectory(root)) {
            throw new ModelPackageException("model package " + root + " is not a folder");
        }
        ModelPackage p = new ModelPackage(root, manifest);
        p.check();
        return p;
    }

    private void check() {
        requireFile(mllm().resolve("config.json"), "the language model's config");
        requireWeights(mllm(), "the language model's weights");
        requireFile(maskHead().resolve("config.json"), "the mask head's config");
        requireWeights(maskHead(), "the mask head's weights");
        requireFile(segProjector(), "the [SEG] projector");
        if (Files.isDirectory(root.resolve("adapter"))) {
            requireFile(root.resolve("adapter/adapter_config.json"), "the LoRA adapter's config");
            requireFile(root.resolve("adapter/adapter_model.safetensors"), "the LoRA adapter's weights");
        }
    }

    /** The files a part's folder may hold its weights in. */
    private static final java.util.List<String> WEIGHT_FILES = java.util.List.of("model.safetensors",
            "model.safetensors.index.json", org.segearth.runtime.checkpoint.Checkpoint.TORCH_FILE,
            org.segearth.runtime.checkpoint.Checkpoint.TORCH_INDEX_FILE, org.segearth.runtime.checkpoint.KeyMap.FILE);

    private void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new ModelPackageException("model package " + root + " lacks " + what + ": "
                    + root.relativize(file) + " does not exist");
        }
    }

    private void requireWeights(Path dir, String what) {
        for (String name : WEIGHT_FILES) {
            if (Files.exists(dir.resolve(name))) {
                return;
            }
        }
        throw new ModelPackageException("model package " + root + " lacks " + what + ": " + root.relativize(dir)
                + " holds none of " + String.join(", ", WEIGHT_FILES));
    }

    /** The Mipha-layout folder. */
    public Path mllm() {
        return root.resolve("mllm");
    }

    /** The head's checkpoint folder. */
    public Path maskHead() {
        return root.resolve("mask_head");
    }

    /** The [SEG] projector's weights: {@code seg_projector.safetensors}, else its key map when there is one. */
    public Path segProjector() {
        Path file = root.resolve("seg_projector.safetensors");
        Path mapped = root.resolve(SEG_PROJECTOR_KEY_MAP);
        return !Files.exists(file) && Files.exists(mapped) ? mapped : file;
    }

    /** The key map of the [SEG] projector in an imported package. */
    public static final String SEG_PROJECTOR_KEY_MAP = "seg_projector.keymap.json";

    /** The LoRA adapter folder, when the package has one. */
    public Optional<Path> adapter() {
        Path a = root.resolve("adapter");
        return Files.isDirectory(a) ? Optional.of(a) : Optional.empty();
    }

    /**
     * The folder of the tokenizer files ({@code tokenizer.json}, or the {@code vocab.json} +
     * {@code merges.txt} that Mipha-3B ships), when the package has them (teacher-forced runs with
     * token ids need none).
     */
    public Optional<Path> tokenizer() {
        return org.segearth.runtime.text.TextTokenizer.hasTokenizerFiles(mllm()) ? Optional.of(mllm()) : Optional.empty();
    }

    /** Trained weights that replace base ones, when present. */
    public Optional<Path> trained() {
        Path t = root.resolve("trained.safetensors");
        return Files.isRegularFile(t) ? Optional.of(t) : Optional.empty();
    }
}
