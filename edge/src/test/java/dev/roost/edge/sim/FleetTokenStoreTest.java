package dev.roost.edge.sim;

import dev.roost.edge.link.SessionToken;
import dev.roost.edge.link.SessionTokenFile;
import dev.roost.edge.link.SessionTokenStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetTokenStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void devicesSaveAndClearTheirOwnEntries_andTheFileKeepsThemForTheNextRun() throws Exception {
        FleetTokenStore fleet = FleetTokenStore.empty();
        SessionTokenStore one = fleet.device("1");
        SessionTokenStore two = fleet.device("2");
        one.save(new SessionToken("1", "a.1", NOW.plusSeconds(60)));
        two.save(new SessionToken("2", "b.1", NOW.plusSeconds(60)));
        two.save(new SessionToken("2", "b.2", NOW.plusSeconds(120)));
        fleet.device("3").save(new SessionToken("3", "c.1", NOW.plusSeconds(60)));
        fleet.device("3").clear();
        Path file = dir.resolve("devices.csv.tokens");

        assertThat(fleet.writeTo(file)).isEqualTo(2);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        FleetTokenStore next = FleetTokenStore.read(file, NOW);
        assertThat(next.size()).isEqualTo(2);
        assertThat(next.device("2").load(NOW)).contains(new SessionToken("2", "b.2", NOW.plusSeconds(120)));
        assertThat(next.device("3").load(NOW)).isEmpty();
    }

    @Test
    void read_leavesExpiredTokensOut_andAMissingFileIsNoTokens() throws Exception {
        Path file = dir.resolve("devices.csv.tokens");
        assertThat(FleetTokenStore.read(file, NOW).size()).isZero();

        SessionTokenFile.write(file, List.of(new SessionToken("1", "a.1", NOW.minusSeconds(1)),
                new SessionToken("2", "b.1", NOW.plusSeconds(1))));
        FleetTokenStore store = FleetTokenStore.read(file, NOW);

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.device("1").load(NOW)).isEmpty();
        assertThat(store.device("2").load(NOW)).isPresent();
        assertThat(store.device("2").load(NOW.plusSeconds(1))).as("expired while held").isEmpty();
    }
}
