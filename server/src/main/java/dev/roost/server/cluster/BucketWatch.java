package dev.roost.server.cluster;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;

import java.io.IOException;
import java.util.function.Consumer;

/** A watch over every key of a bucket, feeding a node's in-memory mirror of it. */
final class BucketWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BucketWatch.class.getName());

    private final AutoCloseable subscription;
    private final String what;

    private BucketWatch(AutoCloseable subscription, String what) {
        this.subscription = subscription;
        this.what = what;
    }

    /**
     * Starts watching: {@code onEntry} sees every current entry, then every change.
     *
     * @param what what is watched, for errors ("the node leases")
     */
    static BucketWatch start(KeyValue bucket, Consumer<KeyValueEntry> onEntry, String what) {
        try {
            return new BucketWatch(bucket.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    onEntry.accept(entry);
                }

                @Override
                public void endOfData() {
                }
            }), what);
        } catch (IOException | JetStreamApiException e) {
            throw ClusterFailures.unavailable("watching " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while watching " + what, e);
        }
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the watch of " + what, e);
        }
    }
}
