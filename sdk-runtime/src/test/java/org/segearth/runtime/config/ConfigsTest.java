package org.segearth.runtime.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.MiphaConfig;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.config.SiglipVisionConfig;

class ConfigsTest {

    @TempDir
    Path dir;

    @Test
    void phiClassicAndNewLayoutsAgree() {
        PhiConfig classic = Configs.phi(Goldens.dir("phi"));
        PhiConfig saved = Configs.phi(Goldens.dir("phi").resolve("config.saved_by_transformers.json"));
        assertEquals(classic, saved);
        assertEquals(80, classic.hiddenSize());
        assertEquals(20, classic.headDim());
        assertEquals(8, classic.rotaryDim());
        assertEquals(0.4, classic.partialRotaryFactor());
        assertEquals(640, classic.lmHeadVocabSize());
    }

    @Test
    void miphaWithVisionTowerAndProjector() {
        MiphaConfig mipha = Configs.mipha(Goldens.dir("segearth_r2_tiny").resolve("mllm"));
        assertEquals(601, mipha.phi().vocabSize());
        assertEquals(640, mipha.phi().lmHeadVocabSize());
        assertEquals(48, mipha.vision().hiddenSize());
        assertEquals(16, mipha.vision().numPatches());
        assertEquals(-2, mipha.selectLayer());
        assertEquals("mlp2x_gelu", mipha.projectorType());
    }

    @Test
    void siglipSwinMask2FormerSamLora() {
        SiglipVisionConfig siglip = Configs.siglip(Goldens.dir("siglip_vision"));
        assertEquals(4, siglip.gridSize());
        Mask2FormerConfig m2f = Configs.mask2former(Goldens.dir("mask2former"));
        assertArrayEquals(new int[] {1, 1, 2, 1}, m2f.backbone().depths());
        assertEquals(3, m2f.backbone().windowSize());
        assertEquals(32, m2f.hiddenDim());
        assertEquals(4, m2f.decoderLayers());
        assertEquals(12544, m2f.trainNumPoints());
        SamConfig sam = Configs.sam(Goldens.dir("sam"));
        assertArrayEquals(new int[] {1}, sam.vision().globalAttnIndexes());
        assertEquals(64, sam.vision().mlpDim());
        assertEquals(16, sam.maskDecoder().hiddenSize());
        assertEquals(8, sam.promptEncoder().imageEmbeddingSize());
        LoraConfig lora = Configs.lora(Goldens.dir("phi").resolve("adapter"));
        assertEquals(4, lora.r());
        assertEquals(4.0, lora.scale());
        assertEquals(List.of("q_proj", "v_proj"), lora.targetModules());
    }

    @Test
    void missingRequiredFieldIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 80, \"unknown_field\": 1}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Configs.phi(file));
        assertTrue(e.getMessage().contains("num_attention_heads") && e.getMessage().contains(file.toString()),
                e.getMessage());
    }

    @Test
    void nestedMissingFieldIsNamedWithItsPath() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"),
                "{\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,\"num_hidden_layers\":1,"
                        + "\"num_attention_heads\":2,\"vision_config\":{\"vision_tower\":{}}}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Configs.mipha(file));
        assertTrue(e.getMessage().contains("vision_config.mm_projector"), e.getMessage());
    }

    @Test
    void wrongTypesAndInvalidJson() throws IOException {
        Path wrong = Files.writeString(dir.resolve("a.json"), "{\"r\": \"eight\"}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Configs.lora(wrong));
        assertTrue(e.getMessage().contains("'r' must be a number"), e.getMessage());
        Path broken = Files.writeString(dir.resolve("b.json"), "{\"r\": ");
        e = assertThrows(SegEarthException.class, () -> Configs.lora(broken));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Path dora = Files.writeString(dir.resolve("c.json"), "{\"r\": 4, \"use_dora\": true, \"target_modules\": \"q_proj\"}");
        e = assertThrows(SegEarthException.class, () -> Configs.lora(dora));
        assertTrue(e.getMessage().contains("DoRA"), e.getMessage());
        Path single = Files.writeString(dir.resolve("d.json"), "{\"r\": 4, \"target_modules\": \"q_proj\"}");
        assertEquals(List.of("q_proj"), Configs.lora(single).targetModules());
    }

    @Test
    void inconsistentValuesAreRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"),
                "{\"vocab_size\":10,\"hidden_size\":10,\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":4}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Configs.phi(file));
        assertTrue(e.getMessage().contains("multiple of num_attention_heads"), e.getMessage());
    }
}
