package dev.roost.fault;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling of a condition: every wait of the suite has a deadline. */
final class Await {
    private Await() {
    }

    /** @return true when the condition held before the deadline */
    static boolean until(Duration timeout, Duration poll, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            pause(poll);
        }
    }

    /** The scenario's own timeline (an outage's length, a settle time): not a wait for a condition. */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
