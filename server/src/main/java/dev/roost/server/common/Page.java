package dev.roost.server.common;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of results.
 *
 * @param items      the page's items
 * @param nextCursor the cursor of the next page; empty on the last page
 * @param totalCount items matching the query over all pages
 */
public record Page<T>(List<T> items, Optional<String> nextCursor, long totalCount) {

    /**
     * Builds a page from a query that fetched up to {@code request.size() + 1} rows: the extra row
     * only tells that another page exists.
     */
    public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, Long> key, long totalCount) {
        if (fetched.size() <= request.size()) {
            return new Page<>(fetched, Optional.empty(), totalCount);
        }
        List<T> items = fetched.subList(0, request.size());
        return new Page<>(List.copyOf(items), Optional.of(PageRequest.encode(key.apply(items.getLast()))), totalCount);
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor, totalCount);
    }
}
