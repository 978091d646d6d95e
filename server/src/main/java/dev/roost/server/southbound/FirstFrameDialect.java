package dev.roost.server.southbound;

/**
 * Another device dialect on {@code /ws}, told apart from protocol v1 by the first text frame of a
 * connection that offered no subprotocol (a peer that offers {@code roost.v1} is never asked).
 * Used for the legacy system's controller, which offers no subprotocol and sends no header of its own.
 */
public interface FirstFrameDialect {
    /**
     * Whether {@code firstFrame} opens a session of this dialect. Must be cheap and must not throw:
     * it runs on the connection's thread for every connection without a subprotocol.
     */
    boolean recognises(String firstFrame);

    /** Takes the connection over; the first frame is handed to the returned handler next. */
    Handler open(DialectConnection connection);

    /** The frames of one connection, on the connection's own thread. */
    interface Handler {
        /** A text frame, or a fragment of one ({@code last} false while more follows). */
        void onText(String text, boolean last);

        /** A binary frame's bytes. */
        void onBinary(byte[] bytes);

        /** The connection ended (either side closed it, or it was lost); called once. */
        void ended();
    }
}
