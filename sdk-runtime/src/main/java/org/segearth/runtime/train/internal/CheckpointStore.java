package org.segearth.runtime.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.train.AdamW;
import org.segearth.runtime.train.TrainableParameter;
import org.segearth.spi.config.LoraConfig;

/**
 * Writes checkpoints as complete model packages: {@code adapter/} in PEFT's format,
 * {@code trained.safetensors} with the other trained weights under the keys the package loader
 * overrides, {@code segearth.json} with provenance, links to the base package's frozen parts, and
 * {@code training_state.safetensors} (trained values, AdamW moments, step and data position) for
 * resuming. Each package is written into a temporary folder and renamed into place; a folder in
 * its way is replaced only when it holds nothing but what a checkpoint consists of (links to the
 * base, never the base's own files), so that a user's files are never deleted.
 */
public final class CheckpointStore {

    /** The resumable state's file inside a checkpoint. */
    public static final String STATE = "training_state.safetensors";
    /** Folder of the periodic checkpoints inside the output folder. */
    public static final String CHECKPOINTS = "checkpoints";

    private final Path output;
    private final ModelPackage base;
    private final LoraConfig adapterConfig;
    private final Map<String, String> provenance;

    /** A store under {@code output} for packages derived from {@code base}. */
    public CheckpointStore(Path output, ModelPackage base, LoraConfig adapterConfig, Map<String, String> provenance) {
        this.output = output;
        this.base = base;
        this.adapterConfig = adapterConfig;
        this.provenance = Map.copyOf(provenance);
    }

    /** What the packages written here record about their making. */
    public Map<String, String> provenance() {
        return provenance;
    }

    /** The folder of the checkpoint after {@code step} steps. */
    public Path checkpointDir(int step) {
        return output.resolve(CHECKPOINTS).resolve(String.format("step-%08d", step));
    }

    /**
     * Writes a package to {@code target} (replacing it) after {@code step} steps with the data
     * position {@code position}.
     */
    public Path save(Path target, int step, long position, List<TrainableParameter> params, AdamW optimizer,
            Map<String, NDArray> adapter) {
        return save(target, step, position, params, Map.of(), optimizer, adapter);
    }

    /**
     * {@link #save(Path, int, long, List, AdamW, Map)} with {@code fixed} weights (not trained, but
     * changed from the base's, e.g. a dropped bias) saved in {@code trained.safetensors} too.
     */
    public Path save(Path target, int step, long position, List<TrainableParameter> params,
            Map<String, NDArray> fixed, AdamW optimizer, Map<String, NDArray> adapter) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            FileTrees.deleteTree(tmp);
            Files.createDirectories(tmp.resolve("adapter"));
            writeAdapter(tmp.resolve("adapter"), adapter);
            Map<String, NDArray> trained = trained(params);
            trained.putAll(fixed);
            SafetensorsWriter.write(tmp.resolve("trained.safetensors"), trained, Map.of("step", "" + step));
            linkBase(tmp);
            writeManifest(tmp, step);
            SafetensorsWriter.write(tmp.resolve(STATE), state(params, optimizer),
                    Map.of("step", "" + step, "position", "" + position, "format", "segearth-training/1"));
            Files.createDirectories(target.getParent());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                requireCheckpoint(target);
                // the old package moves aside first, so that a failure leaves one of the two whole
                Path old = target.resolveSibling("." + target.getFileName() + ".old");
                FileTrees.deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.deleteTree(old);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new SegEarthException("cannot write the checkpoint " + target + ": " + e.getMessage()
                    + "; check the free space and permissions of " + output, e);
        }
    }

    private static Map<String, NDArray> trained(List<TrainableParameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (TrainableParameter p : params) {
            if (!p.key().startsWith(TrainableWeights.ADAPTER)) {
                out.put(p.key(), p.array());
            }
        }
        return out;
    }

    private static Map<String, NDArray> state(List<TrainableParameter> params, AdamW optimizer) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (TrainableParameter p : params) {
            out.put("param." + p.key(), p.value());
        }
        out.putAll(optimizer.state());
        return out;
    }

    private void writeAdapter(Path dir, Map<String, NDArray> adapter) throws IOException {
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), adapter, Map.of("format", "pt"));
        JsonObject c = new JsonObject();
        c.addProperty("peft_type", "LORA");
        c.addProperty("task_type", "CAUSAL_LM");
        c.addProperty("r", adapterConfig.r());
        c.addProperty("lora_alpha", adapterConfig.loraAlpha());
        c.addProperty("lora_dropout", adapterConfig.loraDropout());
        JsonArray targets = new JsonArray();
        adapterConfig.targetModules().forEach(targets::add);
        c.add("target_modules", targets);
        c.addProperty("bias", "none");
        c.addProperty("use_rslora", adapterConfig.useRslora());
        c.addProperty("use_dora", false);
        c.addProperty("fan_in_fan_out", adapterConfig.fanInFanOut());
        c.addProperty("inference_mode", true);
        c.addProperty("base_model_name_or_path", base.mllm().toAbsolutePath().toString());
        Files.writeString(dir.resolve("adapter_config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(c),
                StandardCharsets.UTF_8);
    }

    private void linkBase(Path dir) throws IOException {
        Files.createSymbolicLink(dir.resolve("mllm"), base.mllm().toRealPath());
        Files.createSymbolicLink(dir.resolve("mask_head"), base.maskHead().toRealPath());
        Files.createSymbolicLink(dir.resolve("seg_projector.safetensors"), base.segProjector().toRealPath());
    }

    private void writeManifest(Path dir, int step) throws IOException {
        Map<String, String> p = new LinkedHashMap<>(base.manifest().provenance());
        p.putAll(provenance);
        p.put("trained_steps", Integer.toString(step));
        Manifest out = base.manifest().withProvenance(p);
        Files.writeString(dir.resolve(Manifest.FILE), out.toJson(), StandardCharsets.UTF_8);
    }

    /** What a package written here holds; {@code mllm}, {@code mask_head} and the projector are links. */
    private static final Set<String> ENTRIES = Set.of("adapter", "trained.safetensors", Manifest.FILE, STATE, "mllm",
            "mask_head", "seg_projector.safetensors");
    private static final Set<String> LINKS = Set.of("mllm", "mask_head", "seg_projector.safetensors");
    private static final Set<String> ADAPTER = Set.of("adapter_model.safetensors", "adapter_config.json");

    /**
     * Refuses (with an {@link InvalidInputException} that names it) a folder that holds anything a
     * checkpoint written here does not: a user's file, or a real folder where a checkpoint has a link.
     */
    public static void requireCheckpoint(Path dir) {
        String foreign = foreignEntry(dir);
        if (foreign != null) {
            throw new InvalidInputException(dir + " holds " + foreign + ", which a checkpoint written by segearth does"
                    + " not; it is not replaced: move it away or choose another output folder");
        }
    }

    private static String foreignEntry(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "no checkpoint (it is " + (Files.isSymbolicLink(dir) ? "a link" : "a file") + ")";
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!ENTRIES.contains(name)) {
                    return "'" + name + "'";
                }
                if (LINKS.contains(name) != Files.isSymbolicLink(p)) {
                    return "'" + name + "' as " + (Files.isSymbolicLink(p) ? "a link" : "a real file or folder");
                }
                if (name.equals("adapter")) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        return "'adapter' that is not a folder";
                    }
                    try (Stream<Path> a = Files.list(p)) {
                        for (Path f : a.toList()) {
                            if (!ADAPTER.contains(f.getFileName().toString())) {
                                return "'adapter/" + f.getFileName() + "'";
                            }
                        }
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The folders of earlier runs in the output folder: {@code checkpoints/step-*} and {@code model}. */
    public List<Path> existing() {
        List<Path> out = new ArrayList<>();
        Path dir = output.resolve(CHECKPOINTS);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        if (Files.exists(output.resolve("model"), LinkOption.NOFOLLOW_LINKS)) {
            out.add(output.resolve("model"));
        }
        return out;
    }

    /**
     * Removes an earlier run's checkpoints and final package from the output folder, after
     * checking that every one of them holds only what this store writes (else nothing is removed).
     */
    public void clear() {
        List<Path> old = existing();
        old.forEach(CheckpointStore::requireCheckpoint);
        try {
            for (Path p : old) {
                FileTrees.deleteTree(p);
            }
            // what an interrupted save leaves: its temporary package and the one it was replacing
            FileTrees.deleteTree(output.resolve(".model.tmp"));
            FileTrees.deleteTree(output.resolve(".model.old"));
            Path dir = output.resolve(CHECKPOINTS);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        String name = p.getFileName().toString();
                        if (name.startsWith(".step-") && (name.endsWith(".tmp") || name.endsWith(".old"))) {
                            FileTrees.deleteTree(p);
                        }
                    }
                }
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new SegEarthException("cannot remove the earlier run in " + output + ": " + e.getMessage(), e);
        }
    }

    /** The latest complete checkpoint under the output folder, if any. */
    public Optional<Path> latest() {
        Path dir = output.resolve(CHECKPOINTS);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isRegularFile(p.resolve(STATE)))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A saved state: the step, the data position and the tensors (in {@code manager}). */
    public record State(int step, long position, Map<String, NDArray> tensors) {
    }

    /** Reads the state of the checkpoint {@code dir}. */
    public static State load(Path dir, NDManager manager) {
        Path file = dir.resolve(STATE);
        try (Checkpoint c = Checkpoint.open(file, manager)) {
            Map<String, String> meta = c.files().get(0).metadata();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String k : c.keys()) {
                NDArray mapped = c.get(k);
                NDArray copy = mapped.duplicate();
                mapped.close();
                tensors.put(k, copy);
            }
            try {
                return new State(Integer.parseInt(meta.get("step")), Long.parseLong(meta.get("position")), tensors);
            } catch (NumberFormatException e) {
                throw new SegEarthException(file + " has no valid 'step' and 'position' in its metadata (" + meta
                        + "); it is damaged: resume from an earlier checkpoint or start again", e);
            }
        }
    }
}
