package org.segearth.api;

/**
 * The caller's input cannot be used: an empty instruction, an instruction longer than the model's
 * context, an image too small, too large or unreadable. Nothing was computed.
 *
 * <pre>{@code
 * try {
 *     segmenter.segment(Path.of("tile.png"), "   ");
 * } catch (InvalidInputException e) {
 *     System.err.println("bad input: " + e.getMessage());
 * }
 * }</pre>
 */
public class InvalidInputException extends SegEarthException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the input and what is accepted */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the input
     * @param cause the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
