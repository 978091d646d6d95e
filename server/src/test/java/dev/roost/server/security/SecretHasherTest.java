package dev.roost.server.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHasherTest {
    private final SecretHasher hasher = new SecretHasher(4);

    @Test
    void hash_isBcryptAndVerifies() {
        String hash = hasher.hash("correct horse battery");
        assertThat(hash).startsWith("$2").doesNotContain("correct horse battery");
        assertThat(hasher.matches("correct horse battery", hash)).isTrue();
        assertThat(hasher.matches("correct horse batterY", hash)).isFalse();
    }

    @Test
    void sameSecret_getsDifferentSalts() {
        assertThat(hasher.hash("same-secret-123")).isNotEqualTo(hasher.hash("same-secret-123"));
    }

    /** The legacy system's hashes come from Python's bcrypt ($2b$); $2a$ and $2y$ name the same algorithm. */
    @Test
    void legacyBcryptPrefixes_2a_2b_2y_allVerify() {
        String legacy = "$2b$12$smbt4kVMU/3TRD1fTC1wgugi2/ajrUpO6iD1DzBXQtf.e1BgUD5Ta";
        assertThat(hasher.matches("testpassword123", legacy)).isTrue();
        assertThat(hasher.matches("testpassword124", legacy)).isFalse();
        String own = hasher.hash("testpassword123").substring(4);
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            assertThat(hasher.matches("testpassword123", prefix + own)).as(prefix).isTrue();
        }
    }

    @Test
    void malformedHash_doesNotMatch() {
        assertThat(hasher.matches("anything", "not-a-bcrypt-hash")).isFalse();
    }

    @Test
    void costOutOfRange_isRejected() {
        assertThatThrownBy(() -> new SecretHasher(3)).hasMessageContaining("4..31");
        assertThatThrownBy(() -> new SecretHasher(32)).hasMessageContaining("4..31");
    }

    @Test
    void newSecret_isRandomAndUrlSafe() {
        String a = hasher.newSecret(24);
        assertThat(a).matches("[A-Za-z0-9_-]{32}");
        assertThat(hasher.newSecret(24)).isNotEqualTo(a);
    }
}
