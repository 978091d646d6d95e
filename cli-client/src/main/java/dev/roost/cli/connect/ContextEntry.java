package dev.roost.cli.connect;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One named context of the config file: a server and how to talk to it. Absent values fall back to
 * the defaults (localhost:9090, plaintext, no token).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContextEntry(String server, String token, Boolean tls, String caCert) {
    public static final ContextEntry EMPTY = new ContextEntry(null, null, null, null);

    /** This entry with the non-null values of {@code changes} replacing its own. */
    public ContextEntry merge(ContextEntry changes) {
        return new ContextEntry(
                changes.server != null ? changes.server : server,
                changes.token != null ? changes.token : token,
                changes.tls != null ? changes.tls : tls,
                changes.caCert != null ? changes.caCert : caCert);
    }
}
