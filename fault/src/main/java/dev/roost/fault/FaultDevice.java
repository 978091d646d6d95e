package dev.roost.fault;

import dev.roost.edge.agent.AgentSession;
import dev.roost.edge.link.Link;
import dev.roost.edge.link.LinkMetrics;
import dev.roost.edge.link.LinkSession;
import dev.roost.protocol.Body;
import dev.roost.protocol.MessageType;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One well-behaved device: the agent's own session logic ({@link AgentSession}: status reporter,
 * desired state, command runner with its journal) with a recorder around it. It remembers which status
 * counter the server acknowledged last, every session it lost and every heartbeat answered late.
 */
final class FaultDevice implements LinkSession, LinkMetrics {
    private final String id;
    private final AgentSession agent;
    private final long slowPongNanos;
    private final Map<String, Long> pendingSeqs = new ConcurrentHashMap<>();
    private final AtomicLong ackedSeq = new AtomicLong();
    private final AtomicInteger sessionsLost = new AtomicInteger();
    private final AtomicInteger slowPongs = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean live;
    private volatile Link recording;

    FaultDevice(String id, AgentSession agent, java.time.Duration slowPong) {
        this.id = id;
        this.agent = agent;
        this.slowPongNanos = slowPong.toNanos();
    }

    String id() {
        return id;
    }

    boolean isLive() {
        return live;
    }

    /** The status counter of the last report the server acknowledged (0 = none). */
    long ackedSeq() {
        return ackedSeq.get();
    }

    int sessionsLost() {
        return sessionsLost.get();
    }

    int slowPongs() {
        return slowPongs.get();
    }

    int sessions() {
        return sessions.get();
    }

    @Override
    public void onLive(Link link, Messages.AuthOk ok) {
        pendingSeqs.clear();
        recording = new RecordingLink(link);
        live = true;
        sessions.incrementAndGet();
        agent.onLive(recording, ok);
    }

    @Override
    public void onMessage(Link link, Pdu pdu) {
        if (pdu.type() == MessageType.STATUS_ACK) {
            pdu.replyTo().map(pendingSeqs::remove).ifPresent(seq -> ackedSeq.accumulateAndGet(seq, Math::max));
        }
        agent.onMessage(recording, pdu);
    }

    @Override
    public void onDown() {
        live = false;
        agent.onDown();
    }

    @Override
    public void onTick(long nowMillis) {
        agent.onTick(nowMillis);
    }

    @Override
    public void disconnected(int code, String reason) {
        sessionsLost.incrementAndGet();
    }

    @Override
    public void pingRoundTrip(long nanos) {
        if (nanos > slowPongNanos) {
            slowPongs.incrementAndGet();
        }
    }

    /** Remembers the status counter of each report by its message id, to match the ack. */
    private final class RecordingLink implements Link {
        private final Link link;

        RecordingLink(Link link) {
            this.link = link;
        }

        @Override
        public Optional<String> send(Body body) {
            Optional<String> sent = link.send(body);
            if (body instanceof Messages.Status status && sent.isPresent() && status.state() != null
                    && status.state().has(CountingStatusSource.SEQ)) {
                pendingSeqs.put(sent.get(), status.state().get(CountingStatusSource.SEQ).asLong());
            }
            return sent;
        }

        @Override
        public boolean reply(String replyTo, Body body) {
            return link.reply(replyTo, body);
        }

        @Override
        public boolean isLive() {
            return link.isLive();
        }
    }
}
