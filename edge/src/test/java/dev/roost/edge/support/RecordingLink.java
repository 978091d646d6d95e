package dev.roost.edge.support;

import dev.roost.edge.link.Link;
import dev.roost.protocol.Body;
import dev.roost.protocol.Pdu;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A link that records what the agent sends instead of writing it to a socket. */
public final class RecordingLink implements Link {
    public final List<Pdu> pdus = new CopyOnWriteArrayList<>();
    public volatile boolean live = true;
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public Optional<String> send(Body body) {
        if (!live) {
            return Optional.empty();
        }
        String id = "d-" + ids.incrementAndGet();
        pdus.add(Pdu.of(id, body));
        return Optional.of(id);
    }

    @Override
    public boolean reply(String replyTo, Body body) {
        if (!live) {
            return false;
        }
        pdus.add(Pdu.reply("d-" + ids.incrementAndGet(), replyTo, body));
        return true;
    }

    @Override
    public boolean isLive() {
        return live;
    }

    public <T extends Body> List<T> sent(Class<T> type) {
        return pdus.stream().map(Pdu::body).filter(type::isInstance).map(type::cast).toList();
    }
}
