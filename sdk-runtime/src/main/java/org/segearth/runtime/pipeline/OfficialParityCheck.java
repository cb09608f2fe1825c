package org.segearth.runtime.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.FileTrees;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;

/**
 * Parity of an official SegEarth-R2 checkpoint (the {@code official_r2_tiny} dump: the folder as
 * the official merge script saves it, plus {@code io.safetensors}): the folder is imported
 * ({@link OfficialImporter}) into a temporary package and run as the {@code segearth_r2_tiny}
 * check runs a package, against the expected outputs of the official modules (the pixel decoder's
 * lateral ReLU on); then imported again without the lateral ReLU, its head's outputs against the
 * dump's {@code hf_semantics_*} tensors. The temporary packages hold key maps and links only and
 * are removed afterwards.
 */
public final class OfficialParityCheck implements ParityCheck {

    @Override
    public String component() {
        return "official_r2_tiny";
    }

    @Override
    public void run(ParityContext context) {
        Path official = context.directory();
        int frame = (int) context.io().shapeOf("swin_pixel_values")[2];
        Path scratch;
        try {
            scratch = Files.createTempDirectory("segearth-official-parity-");
        } catch (IOException e) {
            throw new SegEarthException("cannot create a temporary folder: " + e.getMessage(), e);
        }
        try {
            check(context, OfficialImporter.importFolder(official, scratch.resolve("official"), true).packageRoot(),
                    frame, "");
            check(context, OfficialImporter.importFolder(official, scratch.resolve("hf"), false).packageRoot(),
                    frame, "hf_semantics_");
        } finally {
            try {
                FileTrees.deleteTree(scratch);
            } catch (IOException ignored) {
                // a few small files in the temporary folder
            }
        }
    }

    /** Runs the imported package {@code root} on the dump's inputs and compares ({@code prefix}: see {@link SegEarthParityCheck}). */
    static void check(ParityContext context, Path root, int frame, String prefix) {
        Manifest manifest = Manifest.read(root.resolve(Manifest.FILE)).withMaskImageSize(frame);
        SegEarthParityCheck.run(context, ModelPackage.open(root, manifest), prefix);
    }
}
