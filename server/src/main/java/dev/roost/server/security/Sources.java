package dev.roost.server.security;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Names a request's source for the failed-authentication limiter. */
public final class Sources {
    private Sources() {
    }

    /** The remote host address without the port, so that one host is one source. */
    public static String host(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
