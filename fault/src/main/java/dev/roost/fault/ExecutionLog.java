package dev.roost.fault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The devices' own record of every command they executed: how many times each command id reached a
 * handler. The only source of "executed twice": the server cannot see a second execution.
 */
final class ExecutionLog {
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    void executed(String commandId) {
        executions.computeIfAbsent(commandId, id -> new AtomicInteger()).incrementAndGet();
    }

    int times(String commandId) {
        AtomicInteger count = executions.get(commandId);
        return count == null ? 0 : count.get();
    }

    /** Executions beyond the first, over every command id. */
    long executedTwice() {
        return executions.values().stream().mapToLong(count -> Math.max(0, count.get() - 1)).sum();
    }

    int distinct() {
        return executions.size();
    }
}
