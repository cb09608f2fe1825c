package org.segearth.cli;

import java.nio.file.Path;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import picocli.CommandLine.Option;

/**
 * The options that choose the model, shared by {@code segment}, {@code eval} and {@code serve} as a
 * picocli mixin: the package ({@code --model}, else the embedded demo model), its segmentation head
 * and the precision of its 16-bit weights.
 */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR", description = "Model package (default: the embedded demo model).")
    Path model;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
            description = "Weights stored in 16 bits: auto (kept in 16 bits, products widened to float32, decoding in"
                    + " float16), f16-upcast, f16 or f32 (twice the memory) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--head", paramLabel = "NAME", description = "Segmentation head: mask2former or sam (default: the package's).")
    String head;

    /** The package's folder: {@code --model} opened, or the embedded demo model extracted. */
    Path root() {
        return Inputs.modelRoot(model);
    }

    /** A builder for the package at {@code root} with the head and precision chosen. */
    SegmenterBuilder builder(Path root) {
        SegmenterBuilder builder = Segmenter.builder().model(root).precision(precision);
        if (head != null) {
            builder.head(head);
        }
        return builder;
    }

    /** "the embedded demo model" or "the model package DIR", for messages. */
    String described() {
        return model == null ? "the embedded demo model" : "the model package " + model;
    }

    /** "the embedded demo model" or DIR as given, for the service's page. */
    String label() {
        return model == null ? "the embedded demo model" : model.toString();
    }

    /** The model as a run's settings record it: "(embedded demo model)" or the package's absolute path. */
    String recorded() {
        return model == null ? "(embedded demo model)" : model.toAbsolutePath().normalize().toString();
    }

    /** The head as a run's settings record it: "(the package's)" or the name given. */
    String recordedHead() {
        return head == null ? "(the package's)" : head;
    }
}
