package org.segearth.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.MiphaConfig;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.config.SwinConfig;

/**
 * Reads the configuration files of the components. Each method takes the component's folder or
 * the JSON file itself; unknown fields are ignored and a missing required field is named.
 *
 * <pre>{@code
 * PhiConfig phi = Configs.phi(Path.of("phi-2"));
 * }</pre>
 */
public final class Configs {

    private Configs() {}

    /** {@code config.json} of a folder, or the file itself. */
    public static JsonConfig json(Path folderOrFile) {
        return JsonConfig.read(Files.isDirectory(folderOrFile) ? folderOrFile.resolve("config.json") : folderOrFile);
    }

    public static PhiConfig phi(Path folderOrFile) {
        return PhiConfig.from(json(folderOrFile));
    }

    public static MiphaConfig mipha(Path folderOrFile) {
        return MiphaConfig.from(json(folderOrFile));
    }

    public static SiglipVisionConfig siglip(Path folderOrFile) {
        return SiglipVisionConfig.from(json(folderOrFile));
    }

    public static SwinConfig swin(Path folderOrFile) {
        return SwinConfig.from(json(folderOrFile));
    }

    public static Mask2FormerConfig mask2former(Path folderOrFile) {
        return Mask2FormerConfig.from(json(folderOrFile));
    }

    public static SamConfig sam(Path folderOrFile) {
        return SamConfig.from(json(folderOrFile));
    }

    /** {@code adapter_config.json} of a PEFT adapter folder, or the file itself. */
    public static LoraConfig lora(Path folderOrFile) {
        return LoraConfig.from(JsonConfig.read(Files.isDirectory(folderOrFile)
                ? folderOrFile.resolve("adapter_config.json") : folderOrFile));
    }
}
