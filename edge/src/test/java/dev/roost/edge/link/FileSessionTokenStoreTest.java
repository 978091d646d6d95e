package dev.roost.edge.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSessionTokenStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("state").resolve("session.token");
    }

    @Test
    void savedToken_isLoadedAgain_fromAnOwnerOnlyFile() throws Exception {
        FileSessionTokenStore store = new FileSessionTokenStore(file(), Optional.of("42"));
        SessionToken token = new SessionToken("42", "abc.def", NOW.plusSeconds(3600));
        store.save(token);

        assertThat(new FileSessionTokenStore(file(), Optional.of("42")).load(NOW)).contains(token);
        assertThat(Files.readString(file())).isEqualTo("42,abc.def," + NOW.plusSeconds(3600).toEpochMilli() + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        assertThat(Files.list(file().getParent())).containsExactly(file());
    }

    @Test
    void expiredToken_isNotLoaded_andTheFileIsDeleted() {
        FileSessionTokenStore store = new FileSessionTokenStore(file(), Optional.of("42"));
        store.save(new SessionToken("42", "abc.def", NOW));

        assertThat(store.load(NOW)).isEmpty();
        assertThat(file()).doesNotExist();
    }

    @Test
    void tokenOfAnotherDevice_isIgnored_andDeleted() {
        new FileSessionTokenStore(file(), Optional.of("41")).save(new SessionToken("41", "abc.def", NOW.plusSeconds(60)));

        assertThat(new FileSessionTokenStore(file(), Optional.of("42")).load(NOW)).isEmpty();
        assertThat(file()).doesNotExist();
    }

    @Test
    void agentWithHardwareIdentity_takesTheStoredToken() {
        SessionToken token = new SessionToken("41", "abc.def", NOW.plusSeconds(60));
        new FileSessionTokenStore(file(), Optional.of("41")).save(token);

        assertThat(new FileSessionTokenStore(file(), Optional.empty()).load(NOW)).contains(token);
    }

    @Test
    void clear_deletesTheFile_andMissingOrCorruptFilesLoadNothing() throws Exception {
        FileSessionTokenStore store = new FileSessionTokenStore(file(), Optional.of("42"));
        assertThat(store.load(NOW)).isEmpty();
        store.save(new SessionToken("42", "abc.def", NOW.plusSeconds(60)));
        store.clear();
        assertThat(file()).doesNotExist();

        Files.createDirectories(file().getParent());
        Files.writeString(file(), "42,half-written");
        assertThat(store.load(NOW)).isEmpty();
    }

    @Test
    void write_replacesAWorldReadableFile_withAnOwnerOnlyOne() throws Exception {
        Path shared = dir.resolve("devices.csv.tokens");
        Files.writeString(shared, "old\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));

        int written = SessionTokenFile.write(shared, List.of(
                new SessionToken("1", "a.b", NOW.plusSeconds(60)),
                new SessionToken("2", "has,comma", NOW.plusSeconds(60)),
                new SessionToken("", "no.device", NOW.plusSeconds(60)),
                new SessionToken("3", "c.d", SessionToken.NO_EXPIRY)));

        assertThat(written).isEqualTo(2);
        assertThat(SessionTokenFile.read(shared)).containsExactly(
                new SessionToken("1", "a.b", NOW.plusSeconds(60)),
                new SessionToken("3", "c.d", SessionToken.NO_EXPIRY));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-------");
    }

    @Test
    void read_skipsCommentsAndBlankLines_andRejectsMalformedOnes() throws Exception {
        Path tokens = dir.resolve("t");
        Files.writeString(tokens, "# id,token,expires_at_ms\n\n7,x.y,1000\n");
        assertThat(SessionTokenFile.read(tokens)).containsExactly(new SessionToken("7", "x.y", Instant.ofEpochMilli(1000)));

        Files.writeString(tokens, "7,x.y,soon\n");
        assertThatThrownBy(() -> SessionTokenFile.read(tokens)).hasMessageContaining("t:1");
    }

    @Test
    void toString_neverShowsTheToken() {
        assertThat(new SessionToken("42", "secret-token-value", NOW).toString()).doesNotContain("secret-token-value");
    }
}
