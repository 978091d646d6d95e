package dev.roost.cli.command;

import dev.roost.cli.output.Listing;
import dev.roost.proto.v1.PageInfo;
import dev.roost.proto.v1.PageRequest;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Paging of list commands: one page by default, or every page with {@code --all}. */
public final class PageOptions {
    @Option(names = "--page-size", paramLabel = "N", description = "Items per page, 1..1000 (default: the server's, 100).")
    int pageSize;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Start at this page (the cursor a previous list printed).")
    String cursor = "";

    @Option(names = "--all", description = "Fetch every page.")
    boolean all;

    /** One page of items and its paging information, as the API returns them. */
    public record Page<T>(List<T> items, PageInfo info) {
    }

    /** Fetches the first page, or all pages, starting at {@code --cursor}. */
    public <T, V> Listing<V> fetch(Function<PageRequest, Page<T>> call, Function<T, V> view) {
        List<V> items = new ArrayList<>();
        String next = cursor;
        PageInfo info;
        do {
            Page<T> page = call.apply(PageRequest.newBuilder().setPageSize(pageSize).setCursor(next).build());
            page.items().forEach(item -> items.add(view.apply(item)));
            info = page.info();
            next = info.getNextCursor();
        } while (all && !next.isEmpty());
        return Listing.paged(items, next, info.getTotalCount());
    }
}
