package dev.roost.fault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.time.Duration;

/**
 * The suite's command ({@value #NAME}): records its execution, then works for {@code params.work_ms}
 * (so that a fault can catch it running) and succeeds. Simulated work: it only waits.
 */
final class WorkHandler implements CommandHandler {
    static final String NAME = "fault.work";

    private final ExecutionLog log;

    WorkHandler(ExecutionLog log) {
        this.log = log;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CommandOutcome handle(CommandRequest request) throws InterruptedException {
        log.executed(request.commandId());
        long workMs = request.params().path("work_ms").asLong(0);
        if (workMs > 0) {
            Thread.sleep(Duration.ofMillis(workMs));
        }
        return CommandOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("worked_ms", workMs), "done");
    }
}
