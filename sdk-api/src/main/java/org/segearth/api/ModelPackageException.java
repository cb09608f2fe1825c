package org.segearth.api;

/**
 * A model package is incomplete or inconsistent: a missing file, key or config field, or a shape
 * that does not fit; the message names the file, the key and the shapes.
 *
 * <pre>{@code
 * try (Segmenter seg = Segmenter.builder().model(Path.of("my-model")).build()) {
 *     // ...
 * } catch (ModelPackageException e) {
 *     System.err.println("cannot use the model: " + e.getMessage());
 * }
 * }</pre>
 */
public class ModelPackageException extends SegEarthException {

    private static final long serialVersionUID = 1L;

    /** @param message which part of which package is missing or wrong */
    public ModelPackageException(String message) {
        super(message);
    }

    /**
     * @param message which part is wrong
     * @param cause the underlying failure
     */
    public ModelPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
