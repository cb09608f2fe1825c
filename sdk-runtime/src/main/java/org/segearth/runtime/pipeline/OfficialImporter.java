package org.segearth.runtime.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.DType;
import org.segearth.runtime.checkpoint.KeyMap;
import org.segearth.runtime.checkpoint.TensorInfo;
import org.segearth.spi.config.JsonConfig;

/**
 * Turns a checkpoint folder as the official SegEarth-R2 code saves it into a model package,
 * without copying tensor data: the package links the folder ({@code official/}) and reads it
 * through key maps ({@link KeyMap}) that give every tensor the Hugging Face name the SDK's
 * components read, the fused Swin {@code attn.qkv} and the decoder's self-attention
 * {@code in_proj_*} split into their query, key and value rows.
 *
 * <pre>{@code
 * OfficialImporter.Result r = OfficialImporter.importFolder(Path.of("segearth-r2-merged"), Path.of("r2"));
 * try (Segmenter seg = Segmenter.builder().model(r.packageRoot()).build()) { ... }
 * }</pre>
 *
 * <p>What the official folder is, from earth-insights/SegEarth-R2:
 * {@code segearth_r2/train/merge_lora_weights_and_save_hf_model.py} ends with
 * {@code model.save_pretrained(args.save_path, state_dict=state_dict)} and
 * {@code tokenizer.save_pretrained(args.save_path)} (transformers 4.38: {@code model.safetensors},
 * or shards and {@code model.safetensors.index.json}); {@code SegEarthR2} in
 * {@code segearth_r2/model/language_model/llava_phi.py} holds {@code model} (Mipha's Phi + SigLIP +
 * {@code mm_projector}, and {@code model.vision_tower_mask = build_swin_b(...)}), a bias-free
 * {@code lm_head}, and {@code pixel_decoder}, {@code predictor} and {@code SEG_token_projector}
 * from {@code initial_mask_module}. The key names map back to Hugging Face's as
 * transformers' {@code convert_mask2former_original_pytorch_checkpoint_to_pytorch.py} maps
 * detectron2's ({@code replace_swin_backbone}, {@code replace_pixel_module},
 * {@code replace_masked_attention_decoder}, {@code replace_keys_qkv_transformer_decoder}), after
 * SegEarth's own renames ({@code change_w(..., 'adapter_1.weight', 'adapter_1.0.weight')} etc.).
 *
 * <p>Sizes come from the tensors' shapes, never from the official code's constants
 * ({@code build_swin_b}'s Swin-B, {@code transformer_dim_feedforward = 1024}, the 51200-wide
 * {@code lm_head}): the Swin's width, depths, heads (from {@code relative_position_bias_table}) and
 * window; the pixel decoder's width, layers, FFN and heads (from {@code sampling_offsets}: heads x
 * 3 levels x 4 points x 2; the official {@code pixel_decoder_init} passes {@code NHEADS}, the same
 * heads as the transformer decoder's); the decoder's width, layers and FFN.
 */
public final class OfficialImporter {

    /** The folder of the package that links the official checkpoint folder. */
    public static final String SOURCE_LINK = "official";

    private static final String SWIN = "model.vision_tower_mask.";
    private static final String PIXEL_DECODER = "pixel_decoder.";
    private static final String PREDICTOR = "predictor.";
    private static final String SEG_PROJECTOR = "SEG_token_projector.";
    /** Official keys that only the SegEarth training code reads (not used at inference). */
    private static final List<String> SEGEARTH_ONLY = List.of(PREDICTOR + "SEG_query_embed.", PREDICTOR
            + "new_query_embed.", PREDICTOR + "SEG_proj.");
    /** The tokenizer files {@code tokenizer.save_pretrained} writes that the SDK reads. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "vocab.json", "merges.txt",
            "added_tokens.json", "tokenizer_config.json", "special_tokens_map.json");
    /** MSDeformAttn of the official pixel decoder: 3 levels, 4 sampling points ({@code msdeformattn.py}). */
    private static final int LEVELS = 3;
    private static final int POINTS = 4;

    private OfficialImporter() {}

    /**
     * What an import did.
     *
     * @param packageRoot the package written
     * @param tensors official tensors read
     * @param dtypes official tensors per stored dtype
     * @param dropped official keys the package does not expose (recomputed buffers, SegEarth-only training parameters)
     * @param tokenizer whether tokenizer files were linked
     */
    public record Result(Path packageRoot, int tensors, Map<String, Integer> dtypes, List<String> dropped,
            boolean tokenizer) {}

    /**
     * Imports {@code officialDir} into {@code out}, a new or empty folder (refused otherwise). The
     * folder's names and shapes are checked before anything is written; the package is written
     * beside {@code out}, every component is built on the checkpoint's headers through it, and it
     * is renamed into place only then, so a failure leaves nothing behind.
     *
     * @throws ModelPackageException naming what makes {@code officialDir} not an official checkpoint
     */
    public static Result importFolder(Path officialDir, Path out) {
        return importFolder(officialDir, out, true);
    }

    /**
     * Like {@link #importFolder(Path, Path)}; {@code lateralRelu} false gives the mask head Hugging
     * Face's pixel decoder (no ReLU after the lateral convolution) instead of the official one.
     */
    public static Result importFolder(Path officialDir, Path out, boolean lateralRelu) {
        Path source = officialDir.toAbsolutePath().normalize();
        Plan plan = plan(source);
        requireUsableOutput(out);
        Path staging = null;
        try {
            Path parent = out.toAbsolutePath().normalize().getParent();
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".import-");
            try {
                Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the default permissions stay
            }
            write(plan, staging, lateralRelu);
            // every component built on the headers through the key maps: keys, shapes, tokenizer
            org.segearth.runtime.pipeline.internal.ComponentLoader.verify(ModelPackage.open(staging),
                    ModelOptions.defaults());
            if (Files.isDirectory(out)) {
                Files.delete(out); // empty, checked above
            }
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
        } catch (IOException e) {
            throw new ModelPackageException("cannot write the model package " + out + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                try {
                    FileTrees.deleteTree(staging);
                } catch (IOException ignored) {
                    // best effort: a staging folder beside --out
                }
            }
        }
        ModelPackage.open(out);
        return new Result(out, plan.infos.size(), plan.dtypes(), plan.dropped, !plan.tokenizerFiles.isEmpty());
    }

    private static void requireUsableOutput(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new ModelPackageException("output " + out + " exists and is not a folder");
        }
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent()) {
                throw new ModelPackageException("output folder " + out + " is not empty; give a new or empty folder");
            }
        } catch (IOException e) {
            throw new ModelPackageException("cannot read the output folder " + out + ": " + e.getMessage(), e);
        }
    }

    /** Everything the import writes, decided from the official folder before anything is written. */
    private static final class Plan {
        final Path source;
        final Map<String, TensorInfo> infos;
        final JsonConfig config;
        final Map<String, KeyMap.Source> mllm = new LinkedHashMap<>();
        final Map<String, KeyMap.Source> maskHead = new LinkedHashMap<>();
        final Map<String, KeyMap.Source> segProjector = new LinkedHashMap<>();
        final List<String> dropped = new ArrayList<>();
        final List<String> tokenizerFiles = new ArrayList<>();
        final JsonObject headConfig = new JsonObject();
        int hiddenSize;

        Plan(Path source, Map<String, TensorInfo> infos, JsonConfig config) {
            this.source = source;
            this.infos = infos;
            this.config = config;
        }

        Map<String, Integer> dtypes() {
            Map<String, Integer> out = new TreeMap<>();
            infos.values().forEach(t -> out.merge(t.dtype().name(), 1, Integer::sum));
            return out;
        }

        long[] shape(String key) {
            TensorInfo t = infos.get(key);
            if (t == null) {
                throw notOfficial(source, "it has no tensor '" + key + "'");
            }
            return t.shape();
        }
    }

    static ModelPackageException notOfficial(Path dir, String why) {
        return new ModelPackageException(dir + " is not an official SegEarth-R2 checkpoint folder: " + why
                + " (expected what merge_lora_weights_and_save_hf_model.py saves: config.json and model.safetensors,"
                + " shards with model.safetensors.index.json or pytorch_model.bin, holding model.*, model.vision_tower_mask.*,"
                + " pixel_decoder.*, predictor.*, SEG_token_projector.*; for Mipha-3B + Mask2Former use segearth init)");
    }

    private static Plan plan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelPackageException("official checkpoint folder " + dir + " does not exist or is not a folder");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw notOfficial(dir, "it has no config.json");
        }
        if (Files.exists(dir.resolve(KeyMap.FILE))) {
            throw notOfficial(dir, "it is a key map of a SegEarth package, not a saved checkpoint");
        }
        JsonConfig config = JsonConfig.read(dir.resolve("config.json"));
        Map<String, TensorInfo> infos;
        try {
            infos = Checkpoint.headers(dir);
        } catch (RuntimeException e) {
            throw new ModelPackageException("cannot read the weights of " + dir + ": " + e.getMessage(), e);
        }
        Plan plan = new Plan(dir, infos, config);
        for (String marker : List.of(SWIN + "patch_embed.proj.weight", PIXEL_DECODER + "mask_features.weight",
                PREDICTOR + "decoder_norm.weight", SEG_PROJECTOR + "weight", "model.embed_tokens.weight")) {
            if (!infos.containsKey(marker)) {
                throw notOfficial(dir, "its weights have no '" + marker + "'");
            }
        }
        for (Map.Entry<String, TensorInfo> e : infos.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(SWIN) && !k.startsWith(PIXEL_DECODER) && !k.startsWith(PREDICTOR)
                    && !k.startsWith(SEG_PROJECTOR)) {
                plan.mllm.put(k, KeyMap.Source.whole(k)); // the Mipha layout is the official one
            }
        }
        plan.hiddenSize = (int) plan.shape("model.embed_tokens.weight")[1];
        plan.segProjector.put("weight", KeyMap.Source.whole(SEG_PROJECTOR + "weight"));
        plan.segProjector.put("bias", KeyMap.Source.whole(SEG_PROJECTOR + "bias"));
        JsonObject backbone = mapSwin(plan);
        mapPixelDecoder(plan);
        mapPredictor(plan);
        plan.headConfig.add("backbone_config", backbone);
        for (String k : infos.keySet()) {
            if (k.startsWith(SWIN) || k.startsWith(PIXEL_DECODER) || k.startsWith(PREDICTOR) || k.startsWith(SEG_PROJECTOR)) {
                boolean mapped = plan.maskHead.values().stream().anyMatch(s -> s.key().equals(k))
                        || plan.segProjector.values().stream().anyMatch(s -> s.key().equals(k));
                if (!mapped) {
                    boolean known = k.endsWith(".relative_position_index") || SEGEARTH_ONLY.stream().anyMatch(k::startsWith);
                    if (!known) {
                        throw notOfficial(dir, "its mask branch has a tensor '" + k + "' that no official module holds");
                    }
                    plan.dropped.add(k);
                }
            }
        }
        for (String f : TOKENIZER_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                plan.tokenizerFiles.add(f);
            }
        }
        return plan;
    }

    /** {@code swin_trans.py} -> HF {@code SwinBackbone} under {@code model.pixel_level_module.encoder}. */
    private static JsonObject mapSwin(Plan p) {
        String hf = "model.pixel_level_module.encoder.";
        long[] patch = p.shape(SWIN + "patch_embed.proj.weight"); // [embed, channels, patch, patch]
        int embed = (int) patch[0];
        for (String part : List.of("weight", "bias")) {
            put(p, hf + "embeddings.patch_embeddings.projection." + part, SWIN + "patch_embed.proj." + part);
            put(p, hf + "embeddings.norm." + part, SWIN + "patch_embed.norm." + part);
        }
        List<Integer> depths = count(p, Pattern.compile(Pattern.quote(SWIN) + "layers\\.(\\d+)\\.blocks\\.(\\d+)\\.norm1\\.weight"));
        if (depths.isEmpty()) {
            throw notOfficial(p.source, "its Swin (model.vision_tower_mask) has no blocks");
        }
        JsonArray depthArray = new JsonArray();
        JsonArray headArray = new JsonArray();
        int window = -1;
        double mlpRatio = 0;
        boolean qkvBias = true;
        for (int s = 0; s < depths.size(); s++) {
            int dim = embed << s;
            depthArray.add(depths.get(s));
            for (int b = 0; b < depths.get(s); b++) {
                String o = SWIN + "layers." + s + ".blocks." + b + ".";
                String h = hf + "encoder.layers." + s + ".blocks." + b + ".";
                long[] table = p.shape(o + "attn.relative_position_bias_table"); // [(2w-1)^2, heads]
                int side = (int) Math.round(Math.sqrt(table[0]));
                if (side * side != table[0] || side % 2 == 0) {
                    throw notOfficial(p.source, "'" + o + "attn.relative_position_bias_table' has " + table[0]
                            + " rows, not (2 x window - 1)^2");
                }
                if (b == 0) {
                    headArray.add(table[1]);
                }
                window = (side + 1) / 2;
                put(p, h + "attention.self.relative_position_bias_table", o + "attn.relative_position_bias_table");
                split(p, o + "attn.qkv.weight", dim, h + "attention.self.query.weight", h + "attention.self.key.weight",
                        h + "attention.self.value.weight");
                qkvBias = p.infos.containsKey(o + "attn.qkv.bias");
                if (qkvBias) {
                    split(p, o + "attn.qkv.bias", dim, h + "attention.self.query.bias", h + "attention.self.key.bias",
                            h + "attention.self.value.bias");
                }
                for (String part : List.of("weight", "bias")) {
                    put(p, h + "attention.output.dense." + part, o + "attn.proj." + part);
                    put(p, h + "layernorm_before." + part, o + "norm1." + part);
                    put(p, h + "layernorm_after." + part, o + "norm2." + part);
                    put(p, h + "intermediate.dense." + part, o + "mlp.fc1." + part);
                    put(p, h + "output.dense." + part, o + "mlp.fc2." + part);
                }
                mlpRatio = (double) p.shape(o + "mlp.fc1.weight")[0] / dim;
            }
            String down = SWIN + "layers." + s + ".downsample.";
            if (p.infos.containsKey(down + "reduction.weight")) {
                String h = hf + "encoder.layers." + s + ".downsample.";
                put(p, h + "reduction.weight", down + "reduction.weight");
                put(p, h + "norm.weight", down + "norm.weight");
                put(p, h + "norm.bias", down + "norm.bias");
            }
            for (String part : List.of("weight", "bias")) {
                put(p, hf + "hidden_states_norms.stage" + (s + 1) + "." + part, SWIN + "norm" + s + "." + part);
            }
        }
        JsonObject b = new JsonObject();
        b.addProperty("model_type", "swin");
        b.addProperty("embed_dim", embed);
        b.add("depths", depthArray);
        b.add("num_heads", headArray);
        b.addProperty("window_size", window);
        b.addProperty("patch_size", patch[2]);
        b.addProperty("num_channels", patch[1]);
        b.addProperty("mlp_ratio", mlpRatio);
        b.addProperty("qkv_bias", qkvBias);
        b.addProperty("hidden_act", "gelu");
        b.addProperty("layer_norm_eps", 1e-5);
        b.addProperty("use_absolute_embeddings", false);
        b.addProperty("hidden_size", embed << (depths.size() - 1));
        JsonArray outFeatures = new JsonArray();
        JsonArray outIndices = new JsonArray();
        JsonArray stageNames = new JsonArray();
        stageNames.add("stem");
        for (int s = 1; s <= depths.size(); s++) {
            outFeatures.add("stage" + s);
            outIndices.add(s);
            stageNames.add("stage" + s);
        }
        b.add("out_features", outFeatures);
        b.add("out_indices", outIndices);
        b.add("stage_names", stageNames);
        return b;
    }

    /** Simplify {@code MSDeformAttnPixelDecoder} -> HF {@code Mask2FormerPixelDecoder}. */
    private static void mapPixelDecoder(Plan p) {
        String o = PIXEL_DECODER;
        String h = "model.pixel_level_module.decoder.";
        int feature = (int) p.shape(o + "mask_features.weight")[1];
        int mask = (int) p.shape(o + "mask_features.weight")[0];
        for (int i = 0; i < LEVELS; i++) {
            for (String part : List.of("0.weight", "0.bias", "1.weight", "1.bias")) {
                put(p, h + "input_projections." + i + "." + part, o + "input_proj." + i + "." + part);
            }
        }
        put(p, h + "level_embed", o + "transformer.level_embed");
        List<Integer> layers = count(p, Pattern.compile(Pattern.quote(o) + "transformer\\.encoder\\.layers\\.(\\d+)\\.norm1\\.weight"));
        int encoderLayers = layers.size();
        int heads = -1;
        for (int l = 0; l < encoderLayers; l++) {
            String ol = o + "transformer.encoder.layers." + l + ".";
            String hl = h + "encoder.layers." + l + ".";
            for (String part : List.of("weight", "bias")) {
                for (String m : List.of("sampling_offsets", "attention_weights", "value_proj", "output_proj")) {
                    put(p, hl + "self_attn." + m + "." + part, ol + "self_attn." + m + "." + part);
                }
                put(p, hl + "self_attn_layer_norm." + part, ol + "norm1." + part);
                put(p, hl + "fc1." + part, ol + "linear1." + part);
                put(p, hl + "fc2." + part, ol + "linear2." + part);
                put(p, hl + "final_layer_norm." + part, ol + "norm2." + part);
            }
            long offsets = p.shape(ol + "self_attn.sampling_offsets.weight")[0];
            if (offsets % (LEVELS * POINTS * 2) != 0) {
                throw notOfficial(p.source, "'" + ol + "self_attn.sampling_offsets.weight' has " + offsets
                        + " rows, not heads x " + LEVELS + " levels x " + POINTS + " points x 2");
            }
            heads = (int) (offsets / (LEVELS * POINTS * 2));
        }
        int encoderFfn = encoderLayers == 0 ? 1024 : (int) p.shape(o + "transformer.encoder.layers.0.linear1.weight")[0];
        for (int j = 1; p.infos.containsKey(o + "adapter_" + j + ".0.weight"); j++) {
            for (String part : List.of("0.weight", "0.bias", "1.weight", "1.bias")) {
                if (p.infos.containsKey(o + "adapter_" + j + "." + part)) {
                    put(p, h + "adapter_" + j + "." + part, o + "adapter_" + j + "." + part);
                }
                if (p.infos.containsKey(o + "layer_" + j + "." + part)) {
                    put(p, h + "layer_" + j + "." + part, o + "layer_" + j + "." + part);
                }
            }
        }
        put(p, h + "mask_projection.weight", o + "mask_features.weight");
        put(p, h + "mask_projection.bias", o + "mask_features.bias");
        JsonObject c = p.headConfig;
        c.addProperty("feature_size", feature);
        c.addProperty("mask_feature_size", mask);
        c.addProperty("encoder_layers", encoderLayers);
        c.addProperty("encoder_feedforward_dim", encoderFfn);
        c.addProperty("num_attention_heads", heads > 0 ? heads : 8);
    }

    /** {@code MultiScaleMaskedTransformerDecoderForOPTPreTrain} -> HF {@code Mask2FormerTransformerModule}. */
    private static void mapPredictor(Plan p) {
        String o = PREDICTOR;
        String h = "model.transformer_module.";
        int hidden = (int) p.shape(o + "decoder_norm.weight")[0];
        List<Integer> layers = count(p, Pattern.compile(Pattern.quote(o)
                + "transformer_self_attention_layers\\.(\\d+)\\.norm\\.weight"));
        for (int i = 0; i < layers.size(); i++) {
            String sa = o + "transformer_self_attention_layers." + i + ".";
            String ca = o + "transformer_cross_attention_layers." + i + ".";
            String ff = o + "transformer_ffn_layers." + i + ".";
            String hl = h + "decoder.layers." + i + ".";
            split(p, sa + "self_attn.in_proj_weight", hidden, hl + "self_attn.q_proj.weight", hl + "self_attn.k_proj.weight",
                    hl + "self_attn.v_proj.weight");
            split(p, sa + "self_attn.in_proj_bias", hidden, hl + "self_attn.q_proj.bias", hl + "self_attn.k_proj.bias",
                    hl + "self_attn.v_proj.bias");
            put(p, hl + "cross_attn.in_proj_weight", ca + "multihead_attn.in_proj_weight");
            put(p, hl + "cross_attn.in_proj_bias", ca + "multihead_attn.in_proj_bias");
            for (String part : List.of("weight", "bias")) {
                put(p, hl + "self_attn.out_proj." + part, sa + "self_attn.out_proj." + part);
                put(p, hl + "self_attn_layer_norm." + part, sa + "norm." + part);
                put(p, hl + "cross_attn.out_proj." + part, ca + "multihead_attn.out_proj." + part);
                put(p, hl + "cross_attn_layer_norm." + part, ca + "norm." + part);
                put(p, hl + "fc1." + part, ff + "linear1." + part);
                put(p, hl + "fc2." + part, ff + "linear2." + part);
                put(p, hl + "final_layer_norm." + part, ff + "norm." + part);
            }
        }
        for (String part : List.of("weight", "bias")) {
            put(p, h + "decoder.layernorm." + part, o + "decoder_norm." + part);
            for (int k = 0; k < 3; k++) {
                put(p, h + "decoder.mask_predictor.mask_embedder." + k + ".0." + part, o + "mask_embed.layers." + k + "." + part);
            }
        }
        put(p, h + "queries_features.weight", o + "query_feat.weight");
        put(p, h + "queries_embedder.weight", o + "query_embed.weight");
        put(p, h + "level_embed.weight", o + "level_embed.weight");
        // enforce_input_project = False in predictor_init: input_proj is nn.Sequential() when the widths agree
        for (int i = 0; i < LEVELS; i++) {
            for (String part : List.of("weight", "bias")) {
                if (p.infos.containsKey(o + "input_proj." + i + "." + part)) {
                    put(p, h + "input_projections." + i + "." + part, o + "input_proj." + i + "." + part);
                }
            }
        }
        JsonObject c = p.headConfig;
        c.addProperty("hidden_dim", hidden);
        c.addProperty("decoder_layers", layers.size() + 1); // HF counts the initial prediction, as DEC_LAYERS does
        c.addProperty("dim_feedforward", layers.isEmpty() ? 2048
                : (int) p.shape(o + "transformer_ffn_layers.0.linear1.weight")[0]);
        c.addProperty("num_queries", (int) p.shape(o + "query_feat.weight")[0]);
    }

    /** Counts, per first group, the distinct second groups (or 1 per first group when there is none). */
    private static List<Integer> count(Plan p, Pattern pattern) {
        Map<Integer, TreeSet<Integer>> found = new TreeMap<>();
        for (String k : p.infos.keySet()) {
            Matcher m = pattern.matcher(k);
            if (m.matches()) {
                TreeSet<Integer> set = found.computeIfAbsent(Integer.parseInt(m.group(1)), x -> new TreeSet<>());
                set.add(m.groupCount() > 1 ? Integer.parseInt(m.group(2)) : 0);
            }
        }
        List<Integer> out = new ArrayList<>();
        int expected = 0;
        for (Map.Entry<Integer, TreeSet<Integer>> e : found.entrySet()) {
            if (e.getKey() != expected++ || e.getValue().last() != e.getValue().size() - 1) {
                throw notOfficial(p.source, "layers matching " + pattern.pattern() + " are not numbered 0, 1, ...");
            }
            out.add(e.getValue().size());
        }
        return out;
    }

    private static void put(Plan p, String hfKey, String officialKey) {
        p.shape(officialKey);
        p.maskHead.put(hfKey, KeyMap.Source.whole(officialKey));
    }

    /** A fused [3 x dim, ...] tensor into its q, k, v rows ({@code qkv.reshape(B, N, 3, heads, C // heads)}: q first). */
    private static void split(Plan p, String officialKey, int dim, String q, String k, String v) {
        long[] shape = p.shape(officialKey);
        if (shape[0] != 3L * dim) {
            throw notOfficial(p.source, "'" + officialKey + "' has " + shape[0] + " rows, expected 3 x " + dim);
        }
        p.maskHead.put(q, KeyMap.Source.rows(officialKey, 0, dim));
        p.maskHead.put(k, KeyMap.Source.rows(officialKey, dim, 2L * dim));
        p.maskHead.put(v, KeyMap.Source.rows(officialKey, 2L * dim, 3L * dim));
    }

    private static void write(Plan plan, Path dir, boolean lateralRelu) throws IOException {
        Files.createSymbolicLink(dir.resolve(SOURCE_LINK), plan.source);
        String source = "../" + SOURCE_LINK;
        Path mllm = Files.createDirectory(dir.resolve("mllm"));
        for (String f : List.of("config.json", "generation_config.json")) {
            if (Files.isRegularFile(plan.source.resolve(f))) {
                Files.write(mllm.resolve(f), Files.readAllBytes(plan.source.resolve(f))); // a copy the user may edit
            }
        }
        for (String f : plan.tokenizerFiles) {
            Files.createSymbolicLink(mllm.resolve(f), plan.source.resolve(f));
        }
        new KeyMap(source, plan.mllm).write(mllm.resolve(KeyMap.FILE));
        Path head = Files.createDirectory(dir.resolve("mask_head"));
        new KeyMap(source, plan.maskHead).write(head.resolve(KeyMap.FILE));
        Files.writeString(head.resolve("config.json"), headConfig(plan, lateralRelu));
        new KeyMap(SOURCE_LINK, plan.segProjector).write(dir.resolve(ModelPackage.SEG_PROJECTOR_KEY_MAP));
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("imported_by", "segearth " + SdkInfo.version());
        provenance.put("imported_from", plan.source.toString());
        provenance.put("official_tensors", Integer.toString(plan.infos.size()));
        provenance.put("official_dtypes", plan.dtypes().toString());
        provenance.put("dropped", Integer.toString(plan.dropped.size()));
        provenance.put("lateral_conv_relu", Boolean.toString(lateralRelu));
        Manifest d = Manifest.defaults();
        Manifest manifest = new Manifest(Manifest.FORMAT, "SegEarth-R2 (official checkpoint)",
                "an official SegEarth-R2 checkpoint imported by key map, its tensors read from official/",
                d.visionEncoder(), d.languageModel(), d.maskEncoder(), d.head(), d.segToken(), d.eosToken(),
                d.promptTemplate(), d.maskImageSize(), provenance);
        Files.writeString(dir.resolve(Manifest.FILE), manifest.toJson());
    }

    /** An HF {@code Mask2FormerConfig} with the sizes read from the shapes. */
    private static String headConfig(Plan plan, boolean lateralRelu) {
        JsonObject c = plan.headConfig.deepCopy();
        c.addProperty("model_type", "mask2former");
        JsonArray arch = new JsonArray();
        arch.add("Mask2FormerForUniversalSegmentation");
        c.add("architectures", arch);
        c.addProperty("common_stride", 4);
        JsonArray strides = new JsonArray();
        int stages = c.getAsJsonObject("backbone_config").getAsJsonArray("depths").size();
        for (int s = 0; s < stages; s++) {
            strides.add(4 << s);
        }
        c.add("feature_strides", strides);
        c.addProperty("pre_norm", false);
        c.addProperty("enforce_input_projection", false);
        c.addProperty("activation_function", "relu");
        c.addProperty(org.segearth.spi.config.Mask2FormerConfig.LATERAL_CONV_RELU, lateralRelu);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(c) + "\n";
    }

    /** Tensors per dtype, e.g. {@code F16 114, F32 214, I64 5}. */
    public static String describe(Map<String, Integer> dtypes) {
        StringBuilder b = new StringBuilder();
        dtypes.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(DType::valueOf)))
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return b.toString();
    }
}
