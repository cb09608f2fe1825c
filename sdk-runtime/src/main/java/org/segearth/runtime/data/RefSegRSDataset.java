package org.segearth.runtime.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.segearth.api.SegEarthException;

/**
 * RefSegRS: {@code {root}/images/<id>.tif}, {@code {root}/masks/<id>.tif} (255 = target) and
 * {@code {root}/output_phrase_{split}.txt} with one {@code <id> <phrase>} per line. One sample per
 * line, with one target (the mask's 255 pixels).
 *
 * <pre>{@code
 * BenchmarkDataset ds = new RefSegRSDataset(Path.of("/data/RefSegRS"), "test");
 * }</pre>
 */
public final class RefSegRSDataset extends ListedDataset {

    private static final Pattern LINE = Pattern.compile("(\\S+)\\s+(.*)");

    /** Reads {@code output_phrase_{split}.txt} under {@code root}. */
    public RefSegRSDataset(Path root, String split) {
        super("refsegrs", split);
        Path list = DatasetPaths.inside(root, "output_phrase_" + split + ".txt", "RefSegRS under " + root, "split");
        if (!Files.isRegularFile(list)) {
            throw new SegEarthException("RefSegRS split '" + split + "': " + list + " does not exist; expected "
                    + "{root}/output_phrase_{split}.txt with {root}/images and {root}/masks beside it");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + list + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches() || m.group(2).isBlank()) {
                throw new SegEarthException(list + ", line " + (i + 1) + ": '" + DatasetPaths.abbreviate(line)
                        + "' is not '<image id> <phrase>'");
            }
            String imageId = m.group(1);
            String record = list + ", line " + (i + 1);
            Path image = DatasetPaths.inside(root.resolve("images"), imageId + ".tif", record, "image id");
            Path mask = DatasetPaths.inside(root.resolve("masks"), imageId + ".tif", record, "image id");
            samples.add(new Sample(imageId + "_" + (i + 1), null, m.group(2).strip(), null, image, () -> {
                try {
                    return List.of(ImageFiles.readMask(mask, v -> v == 255));
                } catch (SegEarthException e) {
                    throw new SegEarthException(record + ": " + e.getMessage(), e);
                }
            }, Map.of("image_id", imageId)));
        }
    }
}
