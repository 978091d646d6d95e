package dev.roost.server.error;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodeTest {

    @Test
    void everyCodeMapsToAnErrorStatusOnBothTransports() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.httpStatus()).as(code.name()).isBetween(400, 599);
            assertThat(code.grpcCode()).as(code.name()).isNotEqualTo(Status.Code.OK);
        }
    }

    @Test
    void theCommonCodesMapAsDocumented() {
        assertThat(ErrorCode.INVALID_ARGUMENT.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.UNAUTHENTICATED.grpcCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(ErrorCode.UNAUTHENTICATED.httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.PERMISSION_DENIED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.NOT_FOUND.grpcCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ErrorCode.ALREADY_EXISTS.httpStatus()).isEqualTo(409);
        assertThat(ErrorCode.RATE_LIMITED.grpcCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(ErrorCode.RATE_LIMITED.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.UNSUPPORTED_MEDIA_TYPE.httpStatus()).isEqualTo(415);
        assertThat(ErrorCode.PAYLOAD_TOO_LARGE.httpStatus()).isEqualTo(413);
    }
}
