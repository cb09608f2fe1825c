package org.segearth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.Instructions;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.internal.DemoModel;

/** Checks of the commands' inputs, made before a model loads so that bad input fails fast with exit 4. */
final class Inputs {

    private Inputs() {}

    /** Refuses a blank instruction or one holding a prompt placeholder (see {@link Instructions}). */
    static void checkInstruction(String option, String text) {
        Instructions.check(option, text);
    }

    /** Refuses a GPU device when the PyTorch engine has none (the CPU build). */
    static void checkDevice(String device) {
        String d = device == null ? "cpu" : device.toLowerCase(Locale.ROOT).strip();
        if (!(d.startsWith("gpu") || d.startsWith("cuda"))) {
            return;
        }
        int gpus;
        try {
            gpus = Engines.pytorch().getGpuCount();
        } catch (RuntimeException e) {
            gpus = 0;
        }
        if (gpus == 0) {
            throw new InvalidInputException("--device " + device + ": this build of the PyTorch engine has no CUDA"
                    + " support (CPU natives) or finds no GPU; use --device cpu, or a CUDA build of libtorch as"
                    + " README.md's 'Using a GPU' describes");
        }
        int colon = d.indexOf(':');
        if (colon >= 0) {
            try {
                int index = Integer.parseInt(d.substring(colon + 1));
                if (index < 0 || index >= gpus) {
                    throw new InvalidInputException("--device " + device + ": GPU " + index + " does not exist; this"
                            + " machine has " + gpus + " (gpu:0" + (gpus > 1 ? "..gpu:" + (gpus - 1) : "") + ")");
                }
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--device " + device + " has no valid GPU number; use e.g. gpu:0");
            }
        }
    }

    /** Decodes {@code image}; an unreadable or undecodable file is unusable input. */
    static RgbImage readImage(Path image) {
        return decode(image, () -> ImageDecoder.defaults().read(image));
    }

    /** {@link #readImage} as an 8-bit RGB picture that shares the decoded pixels (no copy). */
    static java.awt.image.BufferedImage readPicture(Path image) {
        return decode(image, () -> ImageDecoder.defaults().readAsBufferedImage(image));
    }

    private static <T> T decode(Path image, java.util.function.Supplier<T> read) {
        if (!Files.isRegularFile(image)) {
            throw new InvalidInputException("--image " + image + " does not exist or is not a file");
        }
        try {
            return read.get();
        } catch (InvalidInputException e) {
            // the decoder names the file; say which option gave it
            throw new InvalidInputException("--image: " + e.getMessage(), e);
        } catch (SegEarthException | IllegalArgumentException | IllegalStateException | ArithmeticException
                | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new InvalidInputException("--image " + image + " cannot be used: "
                    + ErrorHandler.firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** The model package folder, checked to be one: {@code model}, or the embedded demo model's. */
    static Path modelRoot(Path model) {
        return model != null ? ModelPackage.open(model).root() : DemoModel.open().root();
    }
}
