package dev.roost.fault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.StatusSource;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A device state with a counter that grows on every collection ({@value #SEQ}), so that the state the
 * server acknowledged last can be told apart from any earlier one in the database. Simulated: no
 * real machine is sampled.
 */
final class CountingStatusSource implements StatusSource {
    static final String SEQ = "fault_seq";

    private final AtomicLong seq = new AtomicLong();
    private final BootId bootId;
    private final long started = System.currentTimeMillis();

    CountingStatusSource(BootId bootId) {
        this.bootId = bootId;
    }

    @Override
    public ObjectNode collect() {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put(SEQ, seq.incrementAndGet());
        state.put("uptime_s", (System.currentTimeMillis() - started) / 1000);
        state.put("boot_id", bootId.current());
        state.put("agent_version", "fault-suite");
        return state;
    }
}
