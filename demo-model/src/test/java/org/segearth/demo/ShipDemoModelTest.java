package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;

/** Shipping a trained package rewrites what names the training machine and nothing else. */
class ShipDemoModelTest {

    @TempDir
    Path temp;

    /** A trained package as the facade and the packer leave it: absolute paths in its provenance and adapter. */
    private Path trained(String tokenizerResource) throws IOException {
        Path pkg = temp.resolve("run/package");
        Files.createDirectories(pkg.resolve("mllm"));
        Files.createDirectories(pkg.resolve("adapter"));
        Files.createDirectories(pkg.resolve("mask_head"));
        try (var in = ShipDemoModelTest.class.getResourceAsStream(tokenizerResource)) {
            Files.write(pkg.resolve("mllm/tokenizer.json"), in.readAllBytes());
        }
        Files.write(pkg.resolve("mllm/model.safetensors"), new byte[] {1, 2, 3, 4});
        Files.write(pkg.resolve("mask_head/model.safetensors"), new byte[] {5, 6});
        Files.writeString(pkg.resolve("segearth.json"), """
                {"format": "segearth-model/1", "name": "SegEarth demo (Dubai)", "description": "old",
                 "mask_image_size": 224,
                 "provenance": {"base_package": "/home/someone/runs/final/warmup/trained/model",
                   "base_trained_steps": "4000", "seed": "42", "data": "lasers:train (1994 samples)",
                   "weights": "seeded random initialisation by org.segearth.demo.DemoModelFactory",
                   "trained_steps": "4500"}}
                """);
        Files.writeString(pkg.resolve("adapter/adapter_config.json"), """
                {"peft_type": "LORA", "r": 8, "base_model_name_or_path": "/home/someone/runs/final/warmup/mllm"}
                """);
        return pkg;
    }

    private Path metrics() throws IOException {
        Path m = temp.resolve("metrics.json");
        Files.writeString(m, """
                {"title": "t", "evaluator": {"split": "val", "mode": "generative", "gIoU": 0.4567, "cIoU": 0.6123}}
                """);
        return m;
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void rewritesTheMachinePathsAndKeepsTheWeights() throws IOException {
        Path pkg = trained(DemoModelFactory.BPE_TOKENIZER_RESOURCE);
        Path dest = temp.resolve("resources/model");
        String description = ShipDemoModel.ship(pkg, dest, metrics(), "a text warm-up, then 4500 steps", false);

        JsonObject manifest = json(dest.resolve("segearth.json"));
        assertEquals(description, manifest.get("description").getAsString());
        assertTrue(description.startsWith(DemoModelFactory.BPE_DESCRIPTION), description);
        assertTrue(description.contains("validation gIoU 0.46 / cIoU 0.61 (val, generative)"), description);
        assertTrue(description.contains("a text warm-up, then 4500 steps"), description);
        JsonObject provenance = manifest.getAsJsonObject("provenance");
        String base = provenance.get("base_package").getAsString();
        assertTrue(base.contains("4000 steps") && base.contains("seed 42") && !base.contains("/home"), base);
        assertTrue(provenance.get("data").getAsString().contains("--recipe seed 42: lasers:train (1994 samples)"));
        assertEquals("4500", provenance.get("trained_steps").getAsString());
        assertEquals(224, manifest.get("mask_image_size").getAsInt());
        assertEquals("mllm", json(dest.resolve("adapter/adapter_config.json")).get("base_model_name_or_path")
                .getAsString());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(dest.resolve("mllm/model.safetensors")));
        assertArrayEquals(new byte[] {5, 6}, Files.readAllBytes(dest.resolve("mask_head/model.safetensors")));
        try (Stream<Path> s = Files.list(dest.getParent())) {
            assertEquals(1, s.count(), "no temporary folder left next to the destination");
        }
        if (Files.getFileStore(dest).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(dest).contains(PosixFilePermission.OTHERS_READ),
                    "the package folder is readable by all, not private like a temporary folder");
        }
    }

    @Test
    void replacesAnExistingPackageOnlyWhenAsked() throws IOException {
        Path pkg = trained(DemoModelFactory.TOKENIZER_RESOURCE);
        Path dest = temp.resolve("model");
        Files.createDirectories(dest.resolve("mllm"));
        Files.writeString(dest.resolve("segearth.json"), "{}");
        Files.writeString(dest.resolve("mllm/stale.bin"), "x");
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> ShipDemoModel.ship(pkg, dest, metrics(), "t", false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals("{}", Files.readString(dest.resolve("segearth.json")));

        String description = ShipDemoModel.ship(pkg, dest, metrics(), "t", true);
        assertTrue(description.startsWith(DemoModelFactory.DESCRIPTION), "word-level package: " + description);
        assertFalse(Files.exists(dest.resolve("mllm/stale.bin")), "the old package is replaced, not merged");
        try (Stream<Path> s = Files.list(temp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary folders removed");
        }
    }

    @Test
    void refusesAPathItDoesNotKnowHowToRewrite() throws IOException {
        Path pkg = trained(DemoModelFactory.BPE_TOKENIZER_RESOURCE);
        JsonObject m = json(pkg.resolve("segearth.json"));
        m.getAsJsonObject("provenance").addProperty("notes", "copied from /srv/models/demo");
        Files.writeString(pkg.resolve("segearth.json"), m.toString());
        Path dest = temp.resolve("model");
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> ShipDemoModel.ship(pkg, dest, metrics(), "t", false));
        assertTrue(e.getMessage().contains("'notes'"), e.getMessage());
        assertFalse(Files.exists(dest));
        try (Stream<Path> s = Files.list(temp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "nothing left behind");
        }
    }
}
