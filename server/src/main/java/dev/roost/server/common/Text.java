package dev.roost.server.common;

/** Bounds free text that a device supplies before it reaches a column, a batch or a log line. */
public final class Text {
    /** Marks a value that was cut to fit. */
    public static final String ELLIPSIS = "…";

    private Text() {
    }

    /**
     * The value itself when it has at most {@code maxChars} characters, else its head ending in
     * {@link #ELLIPSIS}, still at most {@code maxChars} long and never splitting a surrogate pair.
     * Null becomes empty.
     */
    public static String bounded(String value, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, was " + maxChars);
        }
        if (value == null) {
            return "";
        }
        if (value.length() <= maxChars) {
            return value;
        }
        int end = maxChars - ELLIPSIS.length();
        if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + ELLIPSIS;
    }
}
