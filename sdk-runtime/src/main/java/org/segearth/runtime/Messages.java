package org.segearth.runtime;

/** Text taken from a file and echoed in an error message, kept to one line. */
public final class Messages {

    private Messages() {}

    /** {@code s} with control characters and line separators escaped as {@code \\uXXXX}. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** At most {@code max} characters of {@code s} (then "..."), made {@link #printable}. */
    public static String abbreviate(String s, int max) {
        return printable(s.length() <= max ? s : s.substring(0, max) + "...");
    }
}
