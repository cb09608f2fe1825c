package org.segearth.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;

class ProviderRegistryTest {

    /** A provider that is never asked to create anything. */
    public static class Low implements SegmentationHeadProvider {
        @Override
        public String name() {
            return "low";
        }

        @Override
        public SegmentationHead create(ComponentContext context) {
            throw new UnsupportedOperationException("registry test provider");
        }
    }

    /** Same, with a higher priority. */
    public static class High extends Low {
        @Override
        public String name() {
            return "high";
        }

        @Override
        public int priority() {
            return 10;
        }
    }

    @TempDir
    Path dir;

    private ProviderRegistry registryWith(String... providers) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(SegmentationHeadProvider.class.getName()), String.join("\n", providers));
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        return new ProviderRegistry(loader);
    }

    @Test
    void explicitNameWinsElseHighestPriority() throws IOException {
        ProviderRegistry registry = registryWith(Low.class.getName(), High.class.getName());
        assertEquals("high", registry.find(SegmentationHeadProvider.class, null).name());
        assertEquals("low", registry.find(SegmentationHeadProvider.class, "low").name());
        assertEquals(2, registry.all(SegmentationHeadProvider.class).size());
    }

    @Test
    void unknownNameSaysWhatWasAskedFoundAndWhichArtifactToAdd() throws IOException {
        ProviderRegistry registry = registryWith(Low.class.getName());
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> registry.find(SegmentationHeadProvider.class, "sam"));
        assertEquals("no segmentation head named 'sam' on the class path; found [low];"
                + " add org.segearth:segearth-heads-sam", e.getMessage());
    }

    @Test
    void noneFoundNamesTheDefaultArtifact() throws IOException {
        ProviderRegistry registry = registryWith();
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> registry.find(SegmentationHeadProvider.class, ""));
        assertTrue(e.getMessage().contains("org.segearth:segearth-heads-mask2former"), e.getMessage());
    }

    @Test
    void brokenRegistrationIsReported() throws IOException {
        ProviderRegistry registry = registryWith("org.example.DoesNotExist");
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> registry.all(SegmentationHeadProvider.class));
        assertTrue(e.getMessage().contains("DoesNotExist"), e.getMessage());
    }
}
