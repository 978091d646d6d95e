package dev.roost.edge.link;

import dev.roost.protocol.CloseCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns the frames of one connection into {@link WsConnection.Listener} calls. A TLS failure ends
 * the connection with 1015 (RFC 6455 §7.4.1) and a reason that says what was not trusted.
 */
final class WsClientHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final int TLS_FAILED = CloseCode.TLS_FAILED.code();

    private final WsConnection.Listener listener;
    private final Optional<ClientTls> tls;
    private WsConnection connection;
    private int closeCode = CloseCode.NO_CLOSE_FRAME.code();
    private String closeReason = CloseCode.NO_CLOSE_FRAME.reason();
    private boolean ended;

    WsClientHandler(WsConnection.Listener listener, Optional<ClientTls> tls) {
        this.listener = listener;
        this.tls = tls;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            tlsFailed(handshake.cause());
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
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
        // After a failed handshake event the decoder reports the same failure again: keep the first reason.
        if (closeCode != TLS_FAILED) {
            if (find(cause, SSLException.class) != null) {
                tlsFailed(cause);
            } else {
                closeReason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        ctx.close();
    }

    private void tlsFailed(Throwable cause) {
        closeCode = TLS_FAILED;
        Throwable untrusted = find(cause, CertPathBuilderException.class);
        if (untrusted == null) {
            untrusted = find(cause, CertPathValidatorException.class);
        }
        if (untrusted != null) {
            closeReason = "TLS handshake failed: the server's certificate is not issued by a CA in "
                    + tls.map(ClientTls::trustDescription).orElse("the trust store") + " (" + untrusted.getMessage()
                    + ")";
            return;
        }
        Throwable certificate = find(cause, CertificateException.class);
        if (certificate != null) {
            closeReason = "TLS handshake failed: the server's certificate was refused (" + certificate.getMessage()
                    + ")";
            return;
        }
        String message = String.valueOf(rootSsl(cause).getMessage());
        if (message.contains("certificate_required") || message.contains("bad_certificate")
                || message.contains("unknown_ca")) {
            closeReason = "TLS handshake failed: the server wants a client certificate issued by a CA it trusts ("
                    + message + ")";
        } else {
            closeReason = "TLS handshake failed: " + message;
        }
    }

    private static Throwable rootSsl(Throwable cause) {
        Throwable ssl = find(cause, SSLException.class);
        return ssl != null ? ssl : cause;
    }

    private static Throwable find(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
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
