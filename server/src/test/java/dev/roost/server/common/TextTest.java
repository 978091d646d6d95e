package dev.roost.server.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextTest {
    @Test
    void bounded_keepsShortValues() {
        assertThat(Text.bounded("exit 1", 512)).isEqualTo("exit 1");
        assertThat(Text.bounded("", 1)).isEqualTo("");
        assertThat(Text.bounded(null, 8)).isEqualTo("");
    }

    @Test
    void bounded_cutsLongValuesToTheLimitWithAMark() {
        String cut = Text.bounded("s".repeat(600), 512);
        assertThat(cut.length()).isEqualTo(512);
        assertThat(cut).isEqualTo("s".repeat(511) + Text.ELLIPSIS);
    }

    @Test
    void bounded_neverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        String cut = Text.bounded("ab" + emoji + "cd", 4);
        assertThat(cut).isEqualTo("ab" + Text.ELLIPSIS);
        assertThat(cut.length()).isLessThanOrEqualTo(4);
    }
}
