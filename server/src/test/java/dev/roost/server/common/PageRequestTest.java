package dev.roost.server.common;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageRequestTest {

    @Test
    void cursorRoundTrips() {
        PageRequest page = PageRequest.of(10, PageRequest.encode(123456789L));
        assertThat(page.after()).contains(123456789L);
        assertThat(page.size()).isEqualTo(10);
    }

    @Test
    void zeroSize_meansDefault() {
        assertThat(PageRequest.of(0, "").size()).isEqualTo(PageRequest.DEFAULT_SIZE);
    }

    @Test
    void foreignCursor_isInvalidArgumentNamingCursor() {
        assertThatThrownBy(() -> PageRequest.of(10, "not-a-cursor"))
                .isInstanceOfSatisfying(RoostException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("cursor:");
                });
    }

    @Test
    void sizeOutOfRange_isRejected() {
        assertThatThrownBy(() -> PageRequest.of(1001, "")).hasMessageStartingWith("page_size:");
        assertThatThrownBy(() -> PageRequest.of(-1, "")).hasMessageStartingWith("page_size:");
    }

    @Test
    void pageOfExtraRow_hasNextCursorAtLastItem() {
        Page<Long> page = Page.of(List.of(1L, 2L, 3L), PageRequest.first(2), x -> x, 3);
        assertThat(page.items()).containsExactly(1L, 2L);
        assertThat(PageRequest.of(2, page.nextCursor().orElseThrow()).after()).contains(2L);
        assertThat(Page.of(List.of(1L, 2L), PageRequest.first(2), x -> x, 2).nextCursor()).isEmpty();
    }
}
