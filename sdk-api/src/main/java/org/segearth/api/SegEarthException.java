package org.segearth.api;

/**
 * The one unchecked exception of the SDK. Messages name the offending value, what was expected
 * and, where there is one, the fix.
 *
 * <pre>{@code
 * try {
 *     segmenter.segment(image, "segment the ships");
 * } catch (SegEarthException e) {
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public class SegEarthException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the value, the expectation and the fix */
    public SegEarthException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public SegEarthException(String message, Throwable cause) {
        super(message, cause);
    }
}
