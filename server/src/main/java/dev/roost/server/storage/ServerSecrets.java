package dev.roost.server.storage;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Server-wide secrets kept in the database, created on first use, so that every server process of
 * a fleet and every restart share them (e.g. the key that signs device session tokens).
 */
public final class ServerSecrets {
    private final Database db;

    public ServerSecrets(Database db) {
        this.db = db;
    }

    /** The named 256-bit secret; generated and stored when it does not exist yet. */
    public byte[] getOrCreate(String name) {
        var existing = db.client().execute().get("SELECT secret FROM server_secrets WHERE name = ?", name);
        if (existing.isPresent()) {
            return Base64.getDecoder().decode(Rows.stringOf(existing.get(), "secret"));
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            db.client().execute().insert("INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)",
                    name, Base64.getEncoder().encodeToString(secret), System.currentTimeMillis());
            return secret;
        } catch (RuntimeException e) {
            if (!Database.isConstraintViolation(e)) {
                throw e;
            }
            // Another server process created it first: use theirs.
            return getOrCreate(name);
        }
    }
}
