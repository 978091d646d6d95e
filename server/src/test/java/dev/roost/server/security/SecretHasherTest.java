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
