package org.segearth.api;

/**
 * No component of the kind asked for (a segmentation head named {@code "sam"}, say) is on the
 * class path; the message lists what was found and names the artifact to add.
 *
 * <pre>{@code
 * try {
 *     Segmenter.builder().head("sam").build();
 * } catch (ProviderNotFoundException e) {
 *     System.err.println(e.getMessage()); // ... add org.segearth:segearth-heads-sam
 * }
 * }</pre>
 */
public class ProviderNotFoundException extends SegEarthException {

    private static final long serialVersionUID = 1L;

    /** @param message what was asked, what was found and which artifact to add */
    public ProviderNotFoundException(String message) {
        super(message);
    }
}
