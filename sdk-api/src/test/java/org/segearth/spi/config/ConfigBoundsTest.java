package org.segearth.spi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.segearth.api.ModelPackageException;

/** Numbers outside sane bounds are refused with the file, the field, the value and the range. */
class ConfigBoundsTest {

    private static final String PHI = "{\"vocab_size\": 64, \"hidden_size\": 32, \"intermediate_size\": 64,"
            + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4}";

    private static String with(String json, String field, String value) {
        return json.substring(0, json.length() - 1) + ", \"" + field + "\": " + value + "}";
    }

    private static ModelPackageException refused(Function<JsonConfig, ?> reader, String json, String... parts) {
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> reader.apply(JsonConfig.parse(json, "pkg/config.json")));
        assertTrue(e.getMessage().startsWith("pkg/config.json"), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        return e;
    }

    @Test
    void phi() {
        assertEquals(8, PhiConfig.from(JsonConfig.parse(PHI, "c")).headDim());
        refused(PhiConfig::from, PHI.replace("\"hidden_size\": 32", "\"hidden_size\": 1000000000"),
                "hidden_size", "1000000000", "65536");
        refused(PhiConfig::from, PHI.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 0"),
                "num_attention_heads");
        refused(PhiConfig::from, PHI.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"),
                "multiple of num_attention_heads 5");
        refused(PhiConfig::from, PHI.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": -1"),
                "num_hidden_layers", "-1");
        refused(PhiConfig::from, with(PHI, "max_position_embeddings", "2000000000"), "max_position_embeddings");
        refused(PhiConfig::from, with(PHI, "layer_norm_eps", "0"), "layer_norm_eps");
        refused(PhiConfig::from, with(PHI, "rope_theta", "-1"), "rope_theta");
        refused(PhiConfig::from, with(PHI, "eos_token_id", "64"), "eos_token_id", "0 to 63");
        refused(PhiConfig::from, with(PHI, "vocab_size", "1e10"), "'vocab_size' must be an integer");
        refused(PhiConfig::from, with(PHI, "layer_norm_eps", "1e400"), "finite");
    }

    @Test
    void lora() {
        String ok = "{\"r\": 8, \"target_modules\": [\"q_proj\"]}";
        assertEquals(1.0, LoraConfig.from(JsonConfig.parse(ok, "a")).scale()); // alpha 8 by default
        refused(LoraConfig::from, ok.replace("\"r\": 8", "\"r\": -4"), "r must be positive", "-4");
        refused(LoraConfig::from, ok.replace("\"r\": 8", "\"r\": 100000"), "r is 100000", "4096");
        refused(LoraConfig::from, with(ok, "lora_dropout", "1.5"), "lora_dropout");
        refused(LoraConfig::from, with(ok, "lora_alpha", "0"), "lora_alpha");
    }

    @Test
    void siglipKeepsItsChecksAndAddsBounds() {
        refused(SiglipVisionConfig::from, "{\"patch_size\": 0}", "patch_size is 0");
        refused(SiglipVisionConfig::from, "{\"num_attention_heads\": 0}", "num_attention_heads is 0");
        refused(SiglipVisionConfig::from, "{\"image_size\": 100000, \"patch_size\": 100}", "image_size", "4096");
        refused(SiglipVisionConfig::from, "{\"hidden_size\": 768, \"num_attention_heads\": 7}", "multiple");
        refused(SiglipVisionConfig::from, "{\"num_channels\": 100}", "num_channels");
        refused(SiglipVisionConfig::from, "{\"vision_config\": {\"num_hidden_layers\": 0}}", "(vision_config)",
                "num_hidden_layers");
    }

    @Test
    void mipha() {
        String tower = "{\"hidden_size\": 48, \"num_attention_heads\": 4, \"image_size\": 56, \"patch_size\": 14,"
                + " \"num_hidden_layers\": 3, \"mm_vision_select_layer\": SEL}";
        String json = with(PHI, "vision_config", "{\"vision_tower\": " + tower + ", \"mm_projector\": {}}");
        assertEquals(-2, MiphaConfig.from(JsonConfig.parse(json.replace("SEL", "-2"), "m")).selectLayer());
        refused(MiphaConfig::from, json.replace("SEL", "-9"), "mm_vision_select_layer", "-4 to 3");
    }

    @Test
    void swinAndMask2Former() {
        String m2f = "{\"backbone_config\": {\"embed_dim\": 16, \"depths\": [1, 1], \"num_heads\": [1, 2],"
                + " \"window_size\": 3}, \"hidden_dim\": 32, \"feature_size\": 32, \"num_attention_heads\": 4}";
        assertEquals(32, Mask2FormerConfig.from(JsonConfig.parse(m2f, "h")).hiddenDim());
        refused(Mask2FormerConfig::from, m2f.replace("\"window_size\": 3", "\"window_size\": 0"), "window_size is 0");
        refused(Mask2FormerConfig::from, m2f.replace("\"num_heads\": [1, 2]", "\"num_heads\": [3, 2]"),
                "num_heads[0] 3");
        refused(Mask2FormerConfig::from, m2f.replace("\"embed_dim\": 16", "\"embed_dim\": 1073741824"),
                "(backbone_config)", "embed_dim");
        refused(Mask2FormerConfig::from, m2f.replace("\"depths\": [1, 1]", "\"depths\": [1, 0]"), "depths[1] is 0");
        refused(Mask2FormerConfig::from, m2f.replace("\"depths\": [1, 1]", "\"depths\": [1, 1e10]"), "depths[1]");
        refused(Mask2FormerConfig::from, m2f.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 3"),
                "num_attention_heads 3");
        refused(Mask2FormerConfig::from, with(m2f, "common_stride", "0"), "common_stride is 0");
        refused(Mask2FormerConfig::from, with(m2f, "feature_strides", "[4, -8]"), "feature_strides[1]");
        refused(Mask2FormerConfig::from, with(m2f, "num_queries", "0"), "num_queries");
        refused(Mask2FormerConfig::from, with(m2f, "importance_sample_ratio", "2"), "importance_sample_ratio");
    }

    @Test
    void sam() {
        String sam = "{\"vision_config\": {\"hidden_size\": 32, \"num_attention_heads\": 2, \"image_size\": 64,"
                + " \"patch_size\": 8, \"output_channels\": 16, \"window_size\": 2, \"global_attn_indexes\": [1],"
                + " \"num_hidden_layers\": 2}, \"prompt_encoder_config\": {\"hidden_size\": 16, \"image_size\": 64,"
                + " \"patch_size\": 8}, \"mask_decoder_config\": {\"hidden_size\": 16, \"num_attention_heads\": 2}}";
        assertEquals(8, SamConfig.from(JsonConfig.parse(sam, "s")).promptEncoder().imageEmbeddingSize());
        refused(SamConfig::from, sam.replace("\"patch_size\": 8}", "\"patch_size\": 0}"), "(prompt_encoder_config)",
                "patch_size is 0");
        refused(SamConfig::from, sam.replace("\"global_attn_indexes\": [1]", "\"global_attn_indexes\": [5]"),
                "global_attn_indexes[0]");
        refused(SamConfig::from, sam.replace("\"output_channels\": 16", "\"output_channels\": 8"), "must be equal");
        refused(SamConfig::from, sam.replace("\"image_size\": 64, \"patch_size\": 8, \"output",
                "\"image_size\": 64, \"patch_size\": 16, \"output"), "image_embedding_size");
        refused(SamConfig::from, sam.replace("\"window_size\": 2", "\"window_size\": 1000"), "window_size");
    }
}
