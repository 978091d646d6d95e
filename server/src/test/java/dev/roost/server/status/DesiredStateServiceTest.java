package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.EventBus;
import dev.roost.server.security.Caller;
import dev.roost.server.security.SecretHasher;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.RecordingLink;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The desired-state rules, without sockets: an in-memory desired-state store, a recording device
 * link and a manual clock (the device registry is the real one, on H2 or MariaDB).
 */
@Tag("db")
class DesiredStateServiceTest {
    private final ManualClock clock = new ManualClock();
    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcDeviceStore devices = new JdbcDeviceStore(db, Json.newMapper(), new CountCache(Duration.ZERO, clock));
    private final InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
    private final RecordingLink link = new RecordingLink();
    private final DesiredStateService service = new DesiredStateService(store, devices, link, clock);
    private DeviceId device;

    @BeforeEach
    void register() {
        device = new DeviceService(devices, new Snowflake(1, clock), new SecretHasher(4), clock, new EventBus())
                .register(Caller.SYSTEM, new NewDevice("thermostat", "sensor", new Hardware("SN-1", "T1"), "1.0",
                        Optional.empty(), List.of(), "", Map.of(), Optional.empty()))
                .device().id();
    }

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    @Test
    void eachUpdate_isTheNextVersion_sentToAnOnlineDeviceAsAPatchOnThePreviousOne() {
        link.online(device);

        service.update(Caller.SYSTEM, device, json("{\"fan\":\"auto\"}"), 0);
        clock.advance(Duration.ofSeconds(1));
        DesiredState second = service.update(Caller.SYSTEM, device, json("{\"target\":21,\"fan\":null}"), 1);

        assertThat(second.version()).isEqualTo(2);
        assertThat(Json.text(second.desired())).as("a merge patch: null removes").isEqualTo("{\"target\":21}");
        assertThat(second.updatedAt()).contains(clock.instant());
        assertThat(link.take()).extracting(RecordingLink.Sent::body).containsExactly(
                new Messages.Desired(1, Messages.Desired.PATCH, 0, json("{\"fan\":\"auto\"}")),
                new Messages.Desired(2, Messages.Desired.PATCH, 1, json("{\"target\":21,\"fan\":null}")));
    }

    @Test
    void anUpdateFromAStaleVersion_isRefused_changesNothing_andSendsNothing() {
        link.online(device);
        service.update(Caller.SYSTEM, device, json("{\"a\":1}"), 0);
        link.take();

        assertThatThrownBy(() -> service.update(Caller.SYSTEM, device, json("{\"a\":2}"), 5))
                .isInstanceOfSatisfying(RoostException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("is at version 1, not 5");
        assertThat(service.current(device).version()).isEqualTo(1);
        assertThat(link.take()).isEmpty();
    }

    @Test
    void aDeviceThatWasOffline_getsTheWholeDocumentOnceItIsBack_andNothingOnceItApplied() {
        service.update(Caller.SYSTEM, device, json("{\"a\":1}"), 0);
        service.update(Caller.SYSTEM, device, json("{\"b\":2}"), 0);
        link.online(device);

        service.pushIfBehind(service.current(device));
        service.applied(device, new Messages.DesiredApplied(2, json("{\"a\":1,\"b\":2}"), null));
        service.pushIfBehind(service.current(device));

        assertThat(link.take()).extracting(RecordingLink.Sent::body).containsExactly(
                new Messages.Desired(2, Messages.Desired.FULL, 0, json("{\"a\":1,\"b\":2}")));
        assertThat(service.current(device).appliedVersion()).isEqualTo(2);
    }

    @Test
    void anAppliedReportBehind_getsTheWholeDocument_andNeverMovesTheAppliedVersionBack() {
        link.online(device);
        service.update(Caller.SYSTEM, device, json("{\"a\":1}"), 0);
        service.update(Caller.SYSTEM, device, json("{\"a\":2}"), 0);
        service.applied(device, new Messages.DesiredApplied(2, json("{\"a\":2}"), null));
        link.take();

        service.applied(device, new Messages.DesiredApplied(1, json("{\"a\":1}"), json("{\"a\":\"late\"}")));
        service.applied(device, new Messages.DesiredApplied(9, json("{\"a\":9}"), null));

        DesiredState state = service.current(device);
        assertThat(state.appliedVersion()).as("neither the late nor the future report counts").isEqualTo(2);
        assertThat(Json.text(state.applied())).isEqualTo("{\"a\":2}");
        assertThat(link.take()).extracting(RecordingLink.Sent::body).containsExactly(
                new Messages.Desired(2, Messages.Desired.FULL, 0, json("{\"a\":2}")));
    }

    @Test
    void anUnknownDevice_isNotFound() {
        DeviceId unknown = new DeviceId(device.value() + 1);

        assertThatThrownBy(() -> service.update(Caller.SYSTEM, unknown, json("{}"), 0))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(store.find(unknown)).isEmpty();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.newMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
