package dev.roost.edge.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The WebSocket client of the agent and of the simulator: a few event-loop threads carry every
 * connection, so one process can hold thousands of devices. Offers the subprotocol
 * {@code roost.v1} (docs/protocol.md §1).
 */
public final class WsTransport implements AutoCloseable {
    public static final String SUBPROTOCOL = "roost.v1";
    /** Downlink messages are small; this only bounds what a broken server could make us buffer. */
    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final EventLoopGroup group;

    public WsTransport(int threads) {
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("roost-edge-io", true));
    }

    /** A loop to pin one device's state to; everything of that device then runs on it. */
    public EventLoop nextLoop() {
        return group.next();
    }

    /**
     * Opens a connection on {@code loop}. The listener hears {@code onOpen} after the handshake and
     * exactly one {@code onClosed}, also when the connect fails; a failed TLS handshake closes with
     * 1015.
     *
     * @param tls required for a {@code wss://} URI, ignored otherwise
     */
    public void connect(URI uri, Optional<ClientTls> tls, Optional<InetAddress> localAddress, Duration timeout,
                        EventLoop loop, WsConnection.Listener listener) {
        boolean secure = "wss".equals(uri.getScheme());
        if (secure && tls.isEmpty()) {
            throw new IllegalArgumentException("a wss:// URI needs TLS settings");
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .subprotocol(SUBPROTOCOL)
                .allowExtensions(false)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handleCloseFrames(false)
                .handshakeTimeoutMillis(timeout.toMillis())
                .build();
        WsClientHandler handler = new WsClientHandler(listener, tls.filter(t -> secure));
        int port = uri.getPort() > 0 ? uri.getPort() : (secure ? 443 : 80);
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (secure) {
                            channel.pipeline().addLast(tls.get().newHandler(channel.alloc(), uri.getHost(), port));
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), handler);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
        ChannelFuture future = localAddress
                .map(local -> bootstrap.connect(remote, new InetSocketAddress(local, 0)))
                .orElseGet(() -> bootstrap.connect(remote));
        future.addListener(done -> {
            if (!done.isSuccess()) {
                handler.failed(done.cause());
            }
        });
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
