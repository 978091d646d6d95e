package dev.roost.edge.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * One open WebSocket. Thread-safe: Netty queues writes from other threads onto the channel's
 * event loop in order, which serialises the sends of one session.
 */
public final class WsConnection {
    private final Channel channel;

    WsConnection(Channel channel) {
        this.channel = channel;
    }

    /** Receives the events of one connection, always on its event loop. */
    public interface Listener {
        void onOpen(WsConnection connection);

        void onText(WsConnection connection, String text);

        /** The protocol has no binary frames; the listener answers them as an error. */
        void onBinary(WsConnection connection);

        /**
         * The connection ended or never opened; called exactly once per connect attempt.
         *
         * @param code the peer's close code, 1006 when the socket dropped without one
         */
        void onClosed(int code, String reason);
    }

    /** @return false when the connection is no longer open */
    public boolean send(String text) {
        if (!channel.isActive()) {
            return false;
        }
        channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
        return true;
    }

    /** Sends a close frame and drops the socket without waiting for the peer's answer. */
    public void close(int code, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    public boolean isOpen() {
        return channel.isActive();
    }
}
