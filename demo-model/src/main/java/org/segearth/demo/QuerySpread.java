package org.segearth.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.spi.nn.Activations;

/**
 * How much a model's mask query and mask depend on the class asked for: one image, the five demo
 * classes, each teacher-forced as "segment the X" / "Sure, [SEG] X."; per pair of classes the
 * cosine distance of the [SEG] hidden states (the mask queries before the SEG projector) and the
 * mean absolute difference of the mask probabilities. A model whose masks follow the instruction
 * needs both well above zero.
 *
 * <pre>
 * java -cp ... org.segearth.demo.QuerySpread PACKAGE IMAGE
 * </pre>
 */
public final class QuerySpread {

    private QuerySpread() {}

    /**
     * The measurement.
     *
     * @param classes the canonical class names, in {@link DubaiClass} order
     * @param hiddenDistance {@code 1 - cos} of the [SEG] hidden states, per pair
     * @param maskDifference mean {@code |p_i - p_j|} of the mask probabilities (image size), per pair
     */
    public record Result(List<String> classes, double[][] hiddenDistance, double[][] maskDifference) {

        /** The largest off-diagonal value of {@code m}. */
        public static double max(double[][] m) {
            double max = 0;
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m.length; j++) {
                    max = i == j ? max : Math.max(max, m[i][j]);
                }
            }
            return max;
        }

        /** Both matrices as Markdown tables. */
        public String toMarkdown() {
            return table("1 - cos of the [SEG] hidden states", hiddenDistance, "%.2e") + "\n"
                    + table("mean |p_i - p_j| of the mask probabilities", maskDifference, "%.4f");
        }

        private String table(String title, double[][] m, String format) {
            StringBuilder sb = new StringBuilder(title).append("\n\n| |");
            classes.forEach(c -> sb.append(' ').append(c).append(" |"));
            sb.append("\n|---|").append("---|".repeat(classes.size())).append('\n');
            for (int i = 0; i < m.length; i++) {
                sb.append("| ").append(classes.get(i)).append(" |");
                for (double v : m[i]) {
                    sb.append(' ').append(String.format(Locale.ROOT, format, v)).append(" |");
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    /** Measures the package {@code pkg} on {@code image}. */
    public static Result measure(Path pkg, RgbImage image) {
        DubaiClass[] all = DubaiClass.values();
        List<String> names = Arrays.stream(all).map(DubaiClass::canonical).toList();
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults());
                NDManager m = model.manager().newSubManager()) {
            ImageEncoding encoded = model.encodeImage(m, image, true, StageTimer.NONE);
            NDArray[] hidden = new NDArray[all.length];
            NDArray[] probs = new NDArray[all.length];
            for (int c = 0; c < all.length; c++) {
                SegEarthOutput out = model.forward(m, encoded, model.tokens("segment the " + names.get(c),
                        Instructions.singleAnswer(all[c])), PassOptions.INFERENCE, StageTimer.NONE);
                hidden[c] = out.segHidden().get(0);
                probs[c] = Activations.sigmoid(out.fullLogits().get(0));
            }
            double[][] distance = new double[all.length][all.length];
            double[][] difference = new double[all.length][all.length];
            for (int i = 0; i < all.length; i++) {
                for (int j = 0; j < all.length; j++) {
                    double cos = hidden[i].dot(hidden[j]).getFloat()
                            / (hidden[i].norm().getFloat() * (double) hidden[j].norm().getFloat());
                    distance[i][j] = i == j ? 0 : Math.max(0, 1 - cos);
                    difference[i][j] = probs[i].sub(probs[j]).abs().mean().getFloat();
                }
            }
            return new Result(names, distance, difference);
        }
    }

    /** {@code PACKAGE IMAGE}: prints both tables. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: QuerySpread PACKAGE IMAGE");
            System.exit(2);
        }
        System.out.println(measure(Path.of(args[0]), ImageDecoder.defaults().read(Path.of(args[1]))).toMarkdown());
    }
}
