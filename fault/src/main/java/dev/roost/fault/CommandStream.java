package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/** Commands at a steady rate to random devices on a virtual thread, bounded in count, until stopped. */
final class CommandStream implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    CommandStream(CommandLedger ledger, List<DeviceCredential> devices, int perSecond, int max, long seed,
                  String phase) {
        Random random = new Random(seed);
        long periodNanos = 1_000_000_000L / Math.max(1, perSecond);
        thread = Thread.ofVirtual().name("fault-commands").start(() -> {
            long next = System.nanoTime();
            for (int n = 0; n < max && running.get(); n++) {
                ledger.send(devices.get(random.nextInt(devices.size())).id(), random.nextInt(3) * 500L, phase);
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Await.pause(Duration.ofNanos(wait));
                }
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        // A send in progress ends within its 10 s request timeout.
        thread.join(Duration.ofSeconds(15));
    }
}
