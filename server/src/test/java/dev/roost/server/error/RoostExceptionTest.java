package dev.roost.server.error;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoostExceptionTest {

    @Test
    void causeOf_findsTheRoostExceptionBehindWrappers() {
        RoostException unavailable = new RoostException(ErrorCode.UNAVAILABLE, "database unavailable");
        RuntimeException wrapped = new IllegalStateException("db client failed",
                new RuntimeException("statement failed", unavailable));
        assertThat(RoostException.causeOf(wrapped)).containsSame(unavailable);
        assertThat(RoostException.causeOf(unavailable)).containsSame(unavailable);
        assertThat(RoostException.causeOf(new IllegalStateException("bug"))).isEmpty();
    }
}
