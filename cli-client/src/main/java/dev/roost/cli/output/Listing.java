package dev.roost.cli.output;

import java.util.List;
import java.util.Optional;

/**
 * A list of views. Paged lists also carry the cursor of the next page (empty on the last page) and
 * the number of matching items over all pages.
 */
public record Listing<T>(List<T> items, boolean paged, Optional<String> nextCursor, long totalCount) {
    public static <T> Listing<T> of(List<T> items) {
        return new Listing<>(List.copyOf(items), false, Optional.empty(), items.size());
    }

    public static <T> Listing<T> paged(List<T> items, String nextCursor, long totalCount) {
        return new Listing<>(List.copyOf(items), true, Optional.ofNullable(nextCursor).filter(c -> !c.isEmpty()),
                totalCount);
    }
}
