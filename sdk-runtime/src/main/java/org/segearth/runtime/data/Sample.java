package org.segearth.runtime.data;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.segearth.api.Mask;

/**
 * One evaluation sample of a benchmark: an image (read when asked), an instruction, optionally
 * the reference answer (with one {@code [SEG]} per target, for teacher-forced evaluation), and
 * the ground-truth target masks (decoded when asked). Test splits without annotations have no
 * ground truth.
 *
 * <pre>{@code
 * for (Sample s : dataset) {
 *     BufferedImage image = s.image();           // read from disk now
 *     List<Mask> targets = s.targets();          // decoded now
 * }
 * }</pre>
 */
public final class Sample {

    private final String id;
    private final String group;
    private final String instruction;
    private final String answer;
    private final Path imagePath;
    private final Supplier<List<Mask>> targets;
    private final Map<String, Object> extra;

    /**
     * @param id a stable identifier, unique in the dataset split
     * @param group the dimension/category used to group metrics, or null
     * @param instruction the instruction or question given to the model
     * @param answer the reference answer text, or null
     * @param imagePath the image file
     * @param targets decodes the ground-truth masks (called on every {@link #targets()}), or null when none are known
     * @param extra further fields of the record, kept as read
     */
    public Sample(String id, String group, String instruction, String answer, Path imagePath,
            Supplier<List<Mask>> targets, Map<String, Object> extra) {
        this.id = Objects.requireNonNull(id, "id");
        this.group = group;
        this.instruction = Objects.requireNonNull(instruction, "instruction");
        this.answer = answer;
        this.imagePath = Objects.requireNonNull(imagePath, "imagePath");
        this.targets = targets;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** The sample's identifier. */
    public String id() {
        return id;
    }

    /** The dimension/category of the sample, where the dataset has one. */
    public Optional<String> group() {
        return Optional.ofNullable(group);
    }

    /** The instruction or question. */
    public String instruction() {
        return instruction;
    }

    /** The reference answer (with its {@code [SEG]}s where the dataset has them). */
    public Optional<String> answer() {
        return Optional.ofNullable(answer);
    }

    /**
     * The reference answer, or for datasets without answer texts (RefSegRS, RRSIS-D) {@code segCount}
     * {@code [SEG]} tokens, one per target.
     */
    public String answerOr(int segCount) {
        return answer != null ? answer : String.join(" ", java.util.Collections.nCopies(segCount, "[SEG]"));
    }

    /** The image file. */
    public Path imagePath() {
        return imagePath;
    }

    /** Reads the image now. */
    public BufferedImage image() {
        return ImageFiles.read(imagePath);
    }

    /** Whether ground-truth masks are known (false on unannotated test splits). */
    public boolean hasGroundTruth() {
        return targets != null;
    }

    /**
     * The ground-truth masks, one per target, at the image's size; empty when the sample has no
     * target. Decoded on every call.
     *
     * @throws org.segearth.api.SegEarthException when the split has no ground truth or a mask is malformed
     */
    public List<Mask> targets() {
        if (targets == null) {
            throw new org.segearth.api.SegEarthException("sample " + id + " has no ground-truth masks (an unannotated split)");
        }
        return List.copyOf(targets.get());
    }

    /** Further fields of the record as read (numbers, strings, lists, maps). */
    public Map<String, Object> extra() {
        return extra;
    }

    @Override
    public String toString() {
        return "Sample[" + id + (group == null ? "" : ", group=" + group) + ", " + imagePath.getFileName() + "]";
    }
}
