package dev.roost.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Body;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetailJson;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventType;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Messages between nodes over NATS core subjects (no persistence: what they carry is live):
 * <ul>
 *   <li>{@code roost.<cluster>.node.<worker>.downlink} — request/reply: send a downlink message
 *       to a device whose session that node holds; the reply says whether it was sent;</li>
 *   <li>{@code roost.<cluster>.node.<worker>.replaced} — a device logged in on another node: close
 *       the named session (4004) if it is still live there;</li>
 *   <li>{@code roost.<cluster>.devices-changed} — a node wrote these devices' rows: the others
 *       drop what they cached of them;</li>
 *   <li>{@code roost.<cluster>.events} — every device event a node publishes, for the watch streams
 *       and listeners of all the others. NATS keeps the order of one publisher's messages, and a
 *       device's events come from the node that holds its session, so they arrive in order. The
 *       subscription is confirmed with the NATS server before the node serves. Headers beside
 *       the encoded event name its type, its device and, for a command event, whether the
 *       command finished: a receiving node decodes only what its listeners or watch streams need.</li>
 * </ul>
 */
public final class NodeMessaging implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeMessaging.class.getName());
    private static final String ORIGIN = "Roost-Origin";
    /** The event's type, by its wire name. */
    private static final String EVENT_TYPE = "Roost-Event-Type";
    private static final String DEVICE_ID = "Roost-Device-Id";
    /** On command events only: "true" when the command entered a final state. */
    private static final String COMMAND_FINAL = "Roost-Command-Final";
    private static final byte[] SENT = {'1'};
    private static final byte[] NOT_SENT = {'0'};

    /** What other nodes ask of this one. */
    public interface Inbound {
        /** Sends {@code body} to the device's live session on this node; false when it has none here. */
        boolean deliver(DeviceId device, Body body);

        /** The device logged in on another node: close session {@code epoch} here if it is still live. */
        void replaced(DeviceId device, long epoch);

        /**
         * Whether anybody on this node needs another node's event, judged from its header before
         * it is decoded; an event it does not need is skipped.
         */
        boolean wants(EventHeader header);

        /** An event another node published. */
        void event(DeviceEvent event);

        /** Another node wrote these devices' rows: what this node holds of them is old. */
        void devicesChanged(List<DeviceId> devices);
    }

    private final NatsCluster cluster;
    private final int worker;
    private final PduCodec codec;
    private final ObjectMapper json;
    private final Predicate<DeviceEvent> finalCommand;
    private final Dispatcher dispatcher;
    private final Dispatcher eventDispatcher;
    private final LongAdder eventsDropped = new LongAdder();
    private final LongAdder eventsSkipped = new LongAdder();

    /**
     * @param finalCommand whether an event of this node is a command's transition into a final
     *                     state (the other nodes' waiting callers need those)
     */
    public NodeMessaging(NatsCluster cluster, int worker, PduCodec codec, ObjectMapper json,
                         Predicate<DeviceEvent> finalCommand, Inbound inbound) {
        this.cluster = cluster;
        this.worker = worker;
        this.codec = codec;
        this.json = json;
        this.finalCommand = finalCommand;
        this.dispatcher = cluster.connection().createDispatcher();
        // Off the dispatcher's thread: one slow session must not hold up the node's other messages.
        dispatcher.subscribe(cluster.subject("node." + worker + ".downlink"),
                message -> Thread.ofVirtual().start(() -> onDownlink(message, inbound)));
        dispatcher.subscribe(cluster.subject("node." + worker + ".replaced"), message -> onReplaced(message, inbound));
        dispatcher.subscribe(cluster.subject("devices-changed"), message -> onDevicesChanged(message, inbound));
        this.eventDispatcher = cluster.events().createDispatcher();
        eventDispatcher.subscribe(cluster.subject("events"), message -> onEvent(message, inbound));
        confirmEventFeed();
    }

    /**
     * Waits until the NATS server has this node's subscription to the other nodes' events (a
     * round trip after it): this runs before the node serves, so a watch stream this node says is
     * subscribed also receives what the other nodes publish from then on (docs/api.md).
     */
    private void confirmEventFeed() {
        Duration timeout = cluster.settings().requestTimeout();
        try {
            cluster.events().flush(timeout);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cluster: NATS did not confirm the event subscription within "
                    + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cluster: interrupted while subscribing to the other nodes' events", e);
        }
    }

    /**
     * Asks node {@code to} to send {@code body} to the device.
     *
     * @return whether that node had the device's session and sent it
     * @throws dev.roost.server.error.RoostException UNAVAILABLE when NATS or the node did not answer
     */
    public boolean sendTo(int to, DeviceId device, Body body) {
        byte[] request = (device.value() + "\n" + codec.encode(Pdu.of("cluster", body))).getBytes(StandardCharsets.UTF_8);
        Message reply;
        try {
            reply = cluster.connection().requestWithTimeout(cluster.subject("node." + to + ".downlink"), request,
                    cluster.settings().requestTimeout()).get(cluster.settings().requestTimeout().toMillis() + 500,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            throw ClusterFailures.unavailable("sending to device " + device + " through node " + to, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ClusterFailures.unavailable("sending to device " + device + " through node " + to, e);
        }
        if (reply.isStatusMessage()) {
            throw ClusterFailures.unavailable("sending to device " + device + " through node " + to,
                    new IOException("NATS status " + reply.getStatus().getCode() + " (no node " + to + " listening)"));
        }
        return reply.getData().length == 1 && reply.getData()[0] == '1';
    }

    /** Tells node {@code to} that session {@code epoch} of the device was replaced by one on this node. */
    public void replaced(int to, DeviceId device, long epoch) {
        cluster.connection().publish(cluster.subject("node." + to + ".replaced"),
                (device.value() + "|" + epoch).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Tells every other node that this node wrote these devices' rows (after the commit). On the
     * control connection, which queues rather than drops while NATS is away: a node that misses
     * notices anyway forgets everything it holds when it reconnects.
     */
    public void devicesChanged(Collection<DeviceId> devices) {
        if (devices.isEmpty()) {
            return;
        }
        StringBuilder ids = new StringBuilder();
        for (DeviceId device : devices) {
            ids.append(ids.isEmpty() ? "" : ",").append(device.value());
        }
        cluster.connection().publish(cluster.subject("devices-changed"),
                new Headers().put(ORIGIN, Integer.toString(worker)), ids.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Publishes an event of this node to every other node. */
    public void publish(DeviceEvent event) {
        Headers headers = new Headers().put(ORIGIN, Integer.toString(worker))
                .put(EVENT_TYPE, event.type().wireName())
                .put(DEVICE_ID, Long.toString(event.deviceId().value()));
        if (event.type() == EventType.COMMAND) {
            headers.put(COMMAND_FINAL, Boolean.toString(finalCommand.test(event)));
        }
        try {
            cluster.events().publish(cluster.subject("events"), headers, encode(event));
        } catch (IllegalStateException full) {
            // The events connection's queue is full (NATS slower than a burst): this event reaches only
            // this node's watchers. Counted, never waited for.
            eventsDropped.increment();
        }
    }

    /** Events not forwarded to the other nodes because the events connection's queue was full. */
    public long eventsDropped() {
        return eventsDropped.sum();
    }

    /** Other nodes' events not decoded because nobody on this node needed them. */
    public long eventsSkipped() {
        return eventsSkipped.sum();
    }

    private void onDownlink(Message message, Inbound inbound) {
        boolean sent = false;
        try {
            String text = new String(message.getData(), StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            DeviceId device = new DeviceId(Long.parseLong(text.substring(0, newline)));
            Body body = codec.decode(text.substring(newline + 1)).body();
            sent = inbound.deliver(device, body);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: a downlink from another node failed: {0}", e.getMessage());
        }
        if (message.getReplyTo() != null) {
            cluster.connection().publish(message.getReplyTo(), sent ? SENT : NOT_SENT);
        }
    }

    private void onReplaced(Message message, Inbound inbound) {
        try {
            String text = new String(message.getData(), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            inbound.replaced(new DeviceId(Long.parseLong(text.substring(0, bar))),
                    Long.parseLong(text.substring(bar + 1)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: a replacement notice failed: {0}", e.getMessage());
        }
    }

    private void onDevicesChanged(Message message, Inbound inbound) {
        Headers headers = message.getHeaders();
        if (headers != null && Integer.toString(worker).equals(headers.getFirst(ORIGIN))) {
            return;
        }
        try {
            List<DeviceId> devices = new ArrayList<>();
            for (String id : new String(message.getData(), StandardCharsets.UTF_8).split(",")) {
                devices.add(new DeviceId(Long.parseLong(id)));
            }
            inbound.devicesChanged(devices);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: a device change notice failed: {0}", e.getMessage());
        }
    }

    private void onEvent(Message message, Inbound inbound) {
        Headers headers = message.getHeaders();
        if (headers != null && Integer.toString(worker).equals(headers.getFirst(ORIGIN))) {
            return;
        }
        Optional<EventHeader> header = header(headers);
        if (header.isPresent() && !inbound.wants(header.get())) {
            eventsSkipped.increment();
            return;
        }
        try {
            inbound.event(decode(message.getData()));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: an event from another node could not be read: {0}",
                    e.getMessage());
        }
    }

    /**
     * The event's header; empty when the message has none that this node can read (a node of an
     * earlier version sends none, a later one may send a type this node does not know): such an
     * event is decoded as before.
     */
    private static Optional<EventHeader> header(Headers headers) {
        if (headers == null) {
            return Optional.empty();
        }
        String type = headers.getFirst(EVENT_TYPE);
        String device = headers.getFirst(DEVICE_ID);
        if (type == null || device == null) {
            return Optional.empty();
        }
        Optional<EventType> known = EventType.fromWire(type);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EventHeader(known.get(), new DeviceId(Long.parseLong(device)),
                    Boolean.parseBoolean(headers.getFirst(COMMAND_FINAL))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    byte[] encode(DeviceEvent event) {
        ObjectNode node = json.createObjectNode()
                .put("id", event.id())
                .put("device_id", event.deviceId().value())
                .put("at", event.at().toEpochMilli())
                .put("type", event.type().wireName())
                .put("actor", event.actor())
                .put("from", event.from().name())
                .put("to", event.to().name())
                .put("reason", event.reason())
                .put("detail_json", EventDetailJson.write(event.detail()));
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an event", e);
        }
    }

    DeviceEvent decode(byte[] data) throws IOException {
        JsonNode node = json.readTree(data);
        String typeName = node.get("type").asText();
        EventType type = EventType.fromWire(typeName)
                .orElseThrow(() -> new IOException("unknown event type " + typeName));
        return new DeviceEvent(node.get("id").asLong(), new DeviceId(node.get("device_id").asLong()),
                Instant.ofEpochMilli(node.get("at").asLong()), type, node.get("actor").asText(),
                DeviceState.valueOf(node.get("from").asText()), DeviceState.valueOf(node.get("to").asText()),
                node.get("reason").asText(), EventDetailJson.read(type, node.get("detail_json").asText()));
    }

    @Override
    public void close() {
        cluster.events().closeDispatcher(eventDispatcher);
        cluster.connection().closeDispatcher(dispatcher);
    }
}
