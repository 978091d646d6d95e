package dev.roost.server.transport;

import io.helidon.common.Weight;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.spi.ServerConnectionSelectorProvider;

import java.util.Set;

/**
 * Helidon's HTTP/2 connections, with the client's header blocks read through
 * {@link Http2HeaderBlockFilter} so that pseudo-headers sent as new-name literals (gRPC C-core,
 * Python's grpcio) are accepted. Found by Helidon's service loader; its weight puts its selector
 * ahead of Helidon's own for prior-knowledge and ALPN "h2" connections, which it then never sees.
 * Remove it once Helidon accepts that encoding (docs/architecture.md, Helidon workarounds;
 * {@code HelidonHpackLiteralNameTest} fails then).
 */
@Weight(200)
public final class LiteralPseudoHeaderProvider implements ServerConnectionSelectorProvider<Http2Config> {
    private final Http2ConnectionProvider helidon = new Http2ConnectionProvider();

    /** For the service loader. */
    public LiteralPseudoHeaderProvider() {
    }

    @Override
    public Class<Http2Config> protocolConfigType() {
        return helidon.protocolConfigType();
    }

    @Override
    public String protocolType() {
        return helidon.protocolType();
    }

    @Override
    public ServerConnectionSelector create(String listenerName, Http2Config config, ProtocolConfigs configs) {
        return new Selector(helidon.create(listenerName, config, configs));
    }

    private record Selector(ServerConnectionSelector helidon) implements ServerConnectionSelector {
        @Override
        public int bytesToIdentifyConnection() {
            return helidon.bytesToIdentifyConnection();
        }

        @Override
        public Support supports(BufferData data) {
            return helidon.supports(data);
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return helidon.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext ctx) {
            DataReader filtered = DataReader.create(new Http2HeaderBlockFilter(ctx.dataReader()));
            return helidon.connection(new ReaderReplacingContext(ctx, filtered));
        }
    }
}
