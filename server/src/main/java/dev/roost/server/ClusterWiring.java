package dev.roost.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.protocol.Body;
import dev.roost.protocol.PduCodec;
import dev.roost.server.cluster.ClusterNode;
import dev.roost.server.cluster.NodeMessaging;
import dev.roost.server.common.DeviceId;
import dev.roost.server.command.CommandService;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventHeader;
import dev.roost.server.southbound.DeviceChannel;
import dev.roost.server.southbound.SessionRegistry;

import java.util.List;

/** Connects a cluster node to this server's sessions, device channel and event bus. */
final class ClusterWiring {
    private ClusterWiring() {
    }

    static void connect(ClusterNode node, SessionRegistry sessions, DeviceChannel channel, EventBus bus,
                        JdbcDeviceStore devices, PduCodec codec, ObjectMapper json) {
        node.listen(new NodeMessaging.Inbound() {
            @Override
            public boolean deliver(DeviceId device, Body body) {
                return sessions.send(device, body);
            }

            @Override
            public void replaced(DeviceId device, long epoch) {
                channel.closeReplaced(device, epoch);
            }

            @Override
            public boolean wants(EventHeader header) {
                return bus.wantsRemote(header);
            }

            @Override
            public void event(DeviceEvent event) {
                bus.publishRemote(event);
            }

            @Override
            public void devicesChanged(List<DeviceId> changed) {
                changed.forEach(devices::forget);
            }
        }, codec, json, CommandService::finishesCommand);
        bus.forwardTo(node::forward);
    }
}
