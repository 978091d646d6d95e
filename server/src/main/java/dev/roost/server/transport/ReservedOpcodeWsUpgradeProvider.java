package dev.roost.server.transport;

import io.helidon.common.Weight;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1RoutedUpgrade;
import io.helidon.webserver.http1.spi.Http1RoutedUpgrader;
import io.helidon.webserver.http1.spi.Http1UpgradeResponse;
import io.helidon.webserver.http1.spi.Http1UpgradeResult;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgradeProvider;

import java.util.Optional;

/**
 * Helidon's WebSocket upgrade, with each upgraded connection wrapped in a
 * {@link ReservedOpcodeConnection} so that a reserved opcode closes the connection with 1002
 * instead of a raw "HTTP/1.1 500" on the upgraded socket. Found by Helidon's service loader; its
 * weight wins the "websocket" upgrade over Helidon's provider. Remove it once Helidon refuses
 * reserved opcodes itself (docs/architecture.md, Helidon workarounds; {@code ReservedOpcodeTest}
 * shows the behaviour).
 */
@Weight(200)
public final class ReservedOpcodeWsUpgradeProvider extends WsUpgradeProvider {

    /** For the service loader. */
    public ReservedOpcodeWsUpgradeProvider() {
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        Http1Upgrader helidon = super.create(config, configs);
        if (!(helidon instanceof Http1RoutedUpgrader routed)) {
            throw new IllegalStateException("Helidon's WebSocket upgrader changed (" + helidon.getClass().getName()
                    + "): revisit " + ReservedOpcodeWsUpgradeProvider.class.getSimpleName());
        }
        return new Guarded(routed);
    }

    private record Guarded(Http1RoutedUpgrader helidon) implements Http1RoutedUpgrader {
        @Override
        public String supportedProtocol() {
            return helidon.supportedProtocol();
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            ServerConnection upgraded = helidon.upgrade(ctx, prologue, headers);
            return upgraded == null ? null : new ReservedOpcodeConnection(upgraded);
        }

        @Override
        public Optional<Http1RoutedUpgrade> routedUpgrade(ConnectionContext ctx, HttpPrologue prologue,
                                                         WritableHeaders<?> headers) {
            return helidon.routedUpgrade(ctx, prologue, headers).map(GuardedRoute::new);
        }
    }

    private record GuardedRoute(Http1RoutedUpgrade helidon) implements Http1RoutedUpgrade {
        @Override
        public Http1UpgradeResult upgrade(Http1UpgradeResponse response, Headers headers) {
            Http1UpgradeResult result = helidon.upgrade(response, headers);
            return result.connection()
                    .map(connection -> Http1UpgradeResult.upgraded(new ReservedOpcodeConnection(connection)))
                    .orElse(result);
        }
    }
}
