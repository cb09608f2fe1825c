package org.segearth.samples;

import java.nio.file.Path;
import org.segearth.cli.pipeline.TinyModel;
import org.segearth.demo.DubaiConverter;
import org.segearth.runtime.parity.Goldens;

/**
 * What the samples run on in tests: the tiny model package of the CLI's tests (and its SAM
 * variant), the two Dubai tiles of {@code testdata/dubai} (128 x 103 aerial images) and the same
 * tiles converted to a LaSeRS-format folder (training split: tile part 001, validation split
 * {@code val}: part 002 and its quadrants).
 */
final class Fixtures {

    private Fixtures() {}

    /** The tiny SegEarth-R2 package (Mask2Former head), made in {@code dir}. */
    static Path tinyModel(Path dir) {
        return TinyModel.create(dir);
    }

    /** The tiny package with SAM in the head slot, made in {@code dir}. */
    static Path tinySamModel(Path dir) {
        return TinyModel.createWithSam(dir);
    }

    /** A Dubai tile: {@code 1} or {@code 2}. */
    static Path dubaiImage(int part) {
        return Goldens.testdata().resolve("dubai/images/Tile1_image_part_00" + part + ".jpg");
    }

    /** The Dubai tiles as a LaSeRS-format folder under {@code dir}: splits {@code train} and {@code val}. */
    static Path dubaiLaSeRS(Path dir) {
        Path root = dir.resolve("dubai-lasers");
        DubaiConverter.convert(Goldens.testdata().resolve("dubai"), root, new DubaiConverter.Options(7, 2, 64, 0.005, 0.3));
        return root;
    }
}
