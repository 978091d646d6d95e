package dev.roost.server.security;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link AccessStore} on the relational database. */
public final class JdbcAccessStore implements AccessStore {
    private static final String USER_COLUMNS = "id, username, password_hash, role, disabled, created_at";
    private static final String TOKEN_COLUMNS = "id, name, role, user_id, secret_hash, created_at, expires_at, "
            + "revoked_at";

    private final Database db;

    public JdbcAccessStore(Database db) {
        this.db = db;
    }

    @Override
    public boolean isEmpty() {
        long users = db.client().execute().get("SELECT COUNT(*) AS n FROM users").map(r -> Rows.longOf(r, "n"))
                .orElse(0L);
        long tokens = db.client().execute().get("SELECT COUNT(*) AS n FROM api_tokens").map(r -> Rows.longOf(r, "n"))
                .orElse(0L);
        return users == 0 && tokens == 0;
    }

    @Override
    public void insertUser(User user, String passwordHash) {
        try {
            db.client().execute().insert("INSERT INTO users (id, username, password_hash, role, disabled, created_at, "
                            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", user.id(), user.username(), passwordHash,
                    user.role().name(), user.disabled(), user.createdAt().toEpochMilli(),
                    user.createdAt().toEpochMilli());
        } catch (RuntimeException e) {
            if (Database.isConstraintViolation(e)) {
                throw new RoostException(ErrorCode.ALREADY_EXISTS, "a user named '" + user.username() + "' exists");
            }
            throw e;
        }
    }

    @Override
    public Optional<UserCredential> findUser(long id) {
        return db.client().execute().get("SELECT " + USER_COLUMNS + " FROM users WHERE id = ?", id)
                .map(JdbcAccessStore::userCredential);
    }

    @Override
    public Optional<UserCredential> findUserByName(String username) {
        return db.client().execute().get("SELECT " + USER_COLUMNS + " FROM users WHERE username = ?", username)
                .map(JdbcAccessStore::userCredential);
    }

    @Override
    public List<User> users() {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + USER_COLUMNS + " FROM users ORDER BY id")) {
            return rows.map(row -> userCredential(row).user()).toList();
        }
    }

    @Override
    public void updateUser(User user, Optional<String> passwordHash) {
        long now = Instant.now().toEpochMilli();
        if (passwordHash.isPresent()) {
            db.client().execute().update("UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated_at = ? "
                    + "WHERE id = ?", user.role().name(), user.disabled(), passwordHash.get(), now, user.id());
        } else {
            db.client().execute().update("UPDATE users SET role = ?, disabled = ?, updated_at = ? WHERE id = ?",
                    user.role().name(), user.disabled(), now, user.id());
        }
    }

    @Override
    public boolean deleteUser(long id, Instant at) {
        return db.inTransaction(tx -> {
            tx.update("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0",
                    at.toEpochMilli(), id);
            return tx.delete("DELETE FROM users WHERE id = ?", id) > 0;
        });
    }

    @Override
    public void insertToken(ApiToken token, String lookupKey, String secretHash) {
        db.client().execute().insert("INSERT INTO api_tokens (id, lookup_key, name, role, user_id, secret_hash, "
                        + "created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                token.id(), lookupKey, token.name(), token.role().name(), token.userId(), secretHash,
                token.createdAt().toEpochMilli(), Rows.millis(token.expiresAt()), Rows.millis(token.revokedAt()));
    }

    @Override
    public List<TokenCredential> tokensByLookupKey(String lookupKey) {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + TOKEN_COLUMNS
                + " FROM api_tokens WHERE lookup_key = ?", lookupKey)) {
            return rows.map(row -> new TokenCredential(token(row), Rows.stringOf(row, "secret_hash"))).toList();
        }
    }

    @Override
    public Optional<ApiToken> findToken(long id) {
        return db.client().execute().get("SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE id = ?", id)
                .map(JdbcAccessStore::token);
    }

    @Override
    public List<ApiToken> tokens(Optional<Long> userId, boolean includeRevoked) {
        String sql = "SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE 1 = 1"
                + (userId.isPresent() ? " AND user_id = ?" : "")
                + (includeRevoked ? "" : " AND revoked_at = 0")
                + " ORDER BY id";
        try (Stream<DbRow> rows = db.client().execute().query(sql, userId.stream().toArray())) {
            return rows.map(JdbcAccessStore::token).toList();
        }
    }

    @Override
    public boolean revokeToken(long id, Instant at) {
        return db.client().execute().update("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0",
                at.toEpochMilli(), id) > 0;
    }

    private static UserCredential userCredential(DbRow row) {
        return new UserCredential(new User(Rows.longOf(row, "id"), Rows.stringOf(row, "username"),
                Role.valueOf(Rows.stringOf(row, "role")), Rows.booleanOf(row, "disabled"),
                Rows.instantOf(row, "created_at")), Rows.stringOf(row, "password_hash"));
    }

    private static ApiToken token(DbRow row) {
        return new ApiToken(Rows.longOf(row, "id"), Rows.stringOf(row, "name"), Role.valueOf(Rows.stringOf(row, "role")),
                Rows.longOf(row, "user_id"), Rows.instantOf(row, "created_at"),
                Rows.optionalInstantOf(row, "expires_at"), Rows.optionalInstantOf(row, "revoked_at"));
    }
}
