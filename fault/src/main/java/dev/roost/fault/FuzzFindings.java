package dev.roost.fault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answers to hostile input that the reliability target forbids, each with a bounded excerpt of the
 * request and of the answer so that a run says which request to reproduce. Counts every finding and
 * keeps the first {@value #KEPT} of them; thread-safe.
 */
final class FuzzFindings {
    /** What went wrong; the label is the key in the fuzzer's detail line. */
    enum Kind {
        /** A REST request answered with a 5xx. */
        REST_5XX("rest_5xx"),
        /** An HTTP request (well formed or merely broken) the server closed or never answered. */
        REST_NO_ANSWER("rest_no_answer"),
        /** A gRPC call ended with INTERNAL or UNKNOWN. */
        GRPC_INTERNAL_OR_UNKNOWN("grpc_internal_or_unknown");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One finding: what was sent and what came back, both already cut to a bounded excerpt. */
    record Finding(Kind kind, String request, String answer) {
        String line() {
            return kind.label + ": " + request + " -> " + answer;
        }
    }

    static final int KEPT = 50;
    /** Excerpts of bodies, headers and paths are cut here: a finding stays one readable line. */
    static final int EXCERPT = 240;

    private final Map<Kind, AtomicInteger> counts = new EnumMap<>(Kind.class);
    private final List<Finding> kept = new ArrayList<>();

    FuzzFindings() {
        for (Kind kind : Kind.values()) {
            counts.put(kind, new AtomicInteger());
        }
    }

    void add(Kind kind, String request, String answer) {
        counts.get(kind).incrementAndGet();
        synchronized (kept) {
            if (kept.size() < KEPT) {
                kept.add(new Finding(kind, request, answer));
            }
        }
    }

    int count(Kind kind) {
        return counts.get(kind).get();
    }

    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<Finding> kept() {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    /**
     * {@code text} as one printable line of at most {@code max} characters: control characters and
     * everything outside printable ASCII escaped, the rest cut with its full length noted.
     */
    static String excerpt(String text, int max) {
        if (text == null) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 24);
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    static String excerpt(String text) {
        return excerpt(text, EXCERPT);
    }
}
