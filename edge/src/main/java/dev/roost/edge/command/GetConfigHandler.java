package dev.roost.edge.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.util.function.Supplier;

/** {@code get_config}: the agent's effective configuration, with secrets already redacted by the supplier. */
public final class GetConfigHandler implements CommandHandler {
    private final Supplier<JsonNode> redactedConfig;

    public GetConfigHandler(Supplier<JsonNode> redactedConfig) {
        this.redactedConfig = redactedConfig;
    }

    @Override
    public String name() {
        return "get_config";
    }

    @Override
    public CommandOutcome handle(CommandRequest request) {
        return CommandOutcome.succeeded(redactedConfig.get(), "effective configuration");
    }
}
