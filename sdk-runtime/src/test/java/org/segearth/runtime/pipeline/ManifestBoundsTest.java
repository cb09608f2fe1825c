package org.segearth.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ModelPackageException;

/** segearth.json numbers outside sane bounds (4096 took over 14.6 GB; 200000 a NegativeArraySizeException). */
class ManifestBoundsTest {

    @TempDir
    Path dir;

    private ModelPackageException refused(String json) throws IOException {
        Path file = Files.writeString(dir.resolve(Manifest.FILE), json);
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> Manifest.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void maskImageSizeIsBounded() throws IOException {
        for (String size : new String[] {"4096", "200000", "0", "-1024", "31"}) {
            ModelPackageException e = refused("{\"mask_image_size\": " + size + "}");
            assertTrue(e.getMessage().contains("mask_image_size") && e.getMessage().contains(size)
                    && e.getMessage().contains("32 to 2048"), e.getMessage());
        }
        assertTrue(refused("{\"mask_image_size\": 1e10}").getMessage().contains("must be an integer"));
        assertTrue(refused("{\"mask_image_size\": \"big\"}").getMessage().contains("mask_image_size"));
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"mask_image_size\": 2048}");
        assertEquals(2048, Manifest.read(ok).maskImageSize());
        assertThrows(ModelPackageException.class, () -> Manifest.defaults().withMaskImageSize(4096));
    }

    @Test
    void tokensMustNotBeEmptyAndJsonMustParse() throws IOException {
        assertTrue(refused("{\"tokens\": {\"seg\": \"\"}}").getMessage().contains("tokens.seg"));
        assertTrue(refused("{\"mask_image_size\": ").getMessage().contains("not valid JSON"));
        assertTrue(refused("[1]").getMessage().contains("JSON object"));
    }
}
