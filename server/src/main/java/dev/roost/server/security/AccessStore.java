package dev.roost.server.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of users and API tokens. */
public interface AccessStore {
    /** A stored token with the hash its presented value must match. */
    record TokenCredential(ApiToken token, String secretHash) {
    }

    /** A stored user with the hash their password must match. */
    record UserCredential(User user, String passwordHash) {
    }

    boolean isEmpty();

    /** @throws dev.roost.server.error.RoostException ALREADY_EXISTS when the username is taken */
    void insertUser(User user, String passwordHash);

    Optional<UserCredential> findUser(long id);

    Optional<UserCredential> findUserByName(String username);

    List<User> users();

    void updateUser(User user, Optional<String> passwordHash);

    boolean deleteUser(long id, Instant at);

    void insertToken(ApiToken token, String lookupKey, String secretHash);

    /** Candidate tokens for a lookup key (almost always one). */
    List<TokenCredential> tokensByLookupKey(String lookupKey);

    Optional<ApiToken> findToken(long id);

    List<ApiToken> tokens(Optional<Long> userId, boolean includeRevoked);

    boolean revokeToken(long id, Instant at);
}
