package org.segearth.serve;

import org.segearth.api.SegEarthException;

/** A request the service answers with an error status and a one-line message. */
final class HttpProblem extends SegEarthException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    final int status;
    /** Seconds for {@code Retry-After}, or 0 for none. */
    final long retryAfter;

    HttpProblem(int status, String message) {
        this(status, message, 0, null);
    }

    HttpProblem(int status, String message, long retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
    }
}
