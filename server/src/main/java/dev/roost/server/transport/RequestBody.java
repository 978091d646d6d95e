package dev.roost.server.transport;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body for the REST adapters, with a body whose transfer framing is broken reported
 * as {@link MalformedFramingException}. Helidon 4.5's HTTP/1 chunk decoder lets a
 * {@code NumberFormatException} escape for a chunk size that is not hexadecimal or exceeds an int,
 * and an {@code IncorrectNewLineException} for a chunk line without CRLF; both are the client's fault,
 * not a server failure, so they must not reach the catch-all error mapping as a 500.
 */
public final class RequestBody {
    private RequestBody() {
    }

    /**
     * The first {@code limit} bytes of the body (fewer when it is shorter): a caller that wants to
     * refuse bodies over a size reads one byte more than it accepts.
     *
     * @throws MalformedFramingException the transfer framing is broken
     * @throws IOException               the body could not be read (the client went away)
     */
    public static byte[] readAtMost(ServerRequest request, int limit) throws IOException {
        try (InputStream in = request.content().inputStream()) {
            return in.readNBytes(limit);
        } catch (IllegalArgumentException | DataReader.IncorrectNewLineException e) {
            throw new MalformedFramingException(request.headers().contains(HeaderNames.TRANSFER_ENCODING)
                    ? "malformed chunked encoding" : "malformed body framing");
        }
    }

    /** The body's transfer framing (chunk sizes, line ends) is broken; the message is safe to show. */
    public static final class MalformedFramingException extends IOException {
        MalformedFramingException(String message) {
            super(message);
        }
    }
}
