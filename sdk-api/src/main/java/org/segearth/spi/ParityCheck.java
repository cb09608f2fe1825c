package org.segearth.spi;

/**
 * Reproduces a reference dump with the SDK: loads the checkpoint of a dump folder, runs the
 * component on the dump's inputs and hands every output to {@link ParityContext#compare}.
 * Registered through {@link java.util.ServiceLoader}; used by {@code segearth parity} and by the
 * parity tests.
 *
 * <pre>{@code
 * public final class Mask2FormerParityCheck implements ParityCheck {
 *     public String component() {
 *         return "mask2former";                       // the golden folder's name
 *     }
 *
 *     public void run(ParityContext context) {
 *         JsonConfig json = context.config("");
 *         Weights checkpoint = context.checkpoint("");
 *         try (Mask2FormerHead head = new Mask2FormerHead(checkpoint, Mask2FormerConfig.from(json))) {
 *             // run the component on context.io() inputs, then context.compare(...) every output
 *         }
 *     }
 * }
 *
 * // registered in META-INF/services/org.segearth.spi.ParityCheck and run by
 * ParityResult r = new ParityRunner().run(Goldens.dir("mask2former"), System.out::println);
 * }</pre>
 */
public interface ParityCheck {

    /** The component name, which is also the dump folder's name (e.g. {@code "phi"}). */
    String component();

    /** Runs the component on the dump's inputs and compares its outputs. */
    void run(ParityContext context) throws Exception;
}
