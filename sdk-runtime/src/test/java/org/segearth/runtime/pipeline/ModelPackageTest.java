package org.segearth.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.parity.Goldens;

class ModelPackageTest {

    @TempDir
    Path dir;

    private Path copyOfTinyPackage() throws IOException {
        Path source = Goldens.dir("segearth_r2_tiny");
        Path target = dir.resolve("pkg");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return target;
    }

    @Test
    void packageWithoutManifestTakesSegEarthR2Defaults() throws IOException {
        ModelPackage p = ModelPackage.open(copyOfTinyPackage());
        assertEquals(Manifest.defaults(), p.manifest());
        assertTrue(p.adapter().isPresent());
        assertTrue(p.tokenizer().isEmpty());
        assertTrue(p.trained().isEmpty());
    }

    @Test
    void manifestRoundTripsAndOverridesDefaults() throws IOException {
        Path pkg = copyOfTinyPackage();
        Manifest m = new Manifest(Manifest.FORMAT, "demo", "a demo", "siglip", "phi", "sam", "sam", "[SEG]",
                "<|endoftext|>", "conv_phi_v0", 512, Map.of("seed", "7"));
        Files.writeString(pkg.resolve(Manifest.FILE), m.toJson());
        assertEquals(m, ModelPackage.open(pkg).manifest());
        Files.writeString(pkg.resolve(Manifest.FILE), "{\"components\": {\"head\": \"sam\"}}");
        assertEquals("sam", ModelPackage.open(pkg).manifest().head());
        assertEquals("swin", ModelPackage.open(pkg).manifest().maskEncoder());
        assertEquals(Manifest.PhrasePosition.BEFORE, ModelPackage.open(pkg).manifest().phrases());
        Manifest after = new Manifest(Manifest.FORMAT, "demo", "a demo", "siglip", "phi", "sam", "sam", "[SEG]",
                "<|endoftext|>", "conv_phi_v0", 512, Manifest.PhrasePosition.AFTER, Map.of());
        Files.writeString(pkg.resolve(Manifest.FILE), after.toJson());
        assertEquals(after, ModelPackage.open(pkg).manifest());
        Files.writeString(pkg.resolve(Manifest.FILE), "{\"tokens\": {\"phrase\": \"inside\"}}");
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(pkg));
        assertTrue(e.getMessage().contains("tokens.phrase is 'inside'"), e.getMessage());
    }

    @Test
    void missingPartsAreNamed() throws IOException {
        Path pkg = copyOfTinyPackage();
        Files.delete(pkg.resolve("seg_projector.safetensors"));
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(pkg));
        assertTrue(e.getMessage().contains("seg_projector.safetensors does not exist"), e.getMessage());

        Path pkg2 = dir.resolve("pkg2");
        Files.move(pkg, pkg2);
        Files.writeString(pkg2.resolve("seg_projector.safetensors"), "");
        Files.delete(pkg2.resolve("mask_head/model.safetensors"));
        e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(pkg2));
        assertTrue(e.getMessage().contains("mask_head holds none of model.safetensors"), e.getMessage());

        Files.delete(pkg2.resolve("adapter/adapter_config.json"));
        Files.writeString(pkg2.resolve("mask_head/model.safetensors"), "");
        e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(pkg2));
        assertTrue(e.getMessage().contains("adapter_config.json"), e.getMessage());
    }

    @Test
    void unsupportedFormatAndNotAFolder() throws IOException {
        Path pkg = copyOfTinyPackage();
        Files.writeString(pkg.resolve(Manifest.FILE), "{\"format\": \"segearth-model/9\"}");
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(pkg));
        assertTrue(e.getMessage().contains("segearth-model/9"), e.getMessage());
        e = assertThrows(ModelPackageException.class, () -> ModelPackage.open(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }
}
