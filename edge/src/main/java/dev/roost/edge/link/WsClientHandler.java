package dev.roost.edge.link;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Turns the frames of one connection into {@link WsConnection.Listener} calls. */
final class WsClientHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final WsConnection.Listener listener;
    private WsConnection connection;
    private int closeCode = 1006;
    private String closeReason = "connection lost";
    private boolean ended;

    WsClientHandler(WsConnection.Listener listener) {
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection = new WsConnection(ctx.channel());
            listener.onOpen(connection);
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            closeReason = "handshake timeout";
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            listener.onText(connection, text.text());
        } else if (frame instanceof CloseWebSocketFrame close) {
            closeCode = close.statusCode();
            closeReason = close.reasonText();
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        } else if (frame instanceof BinaryWebSocketFrame) {
            listener.onBinary(connection);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeReason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end();
        super.channelInactive(ctx);
    }

    /** Reports the end once, whether the socket closed or the connect failed. */
    void end() {
        if (!ended) {
            ended = true;
            listener.onClosed(closeCode, closeReason);
        }
    }

    void failed(Throwable cause) {
        closeReason = "connect failed: " + cause.getMessage();
        end();
    }
}
