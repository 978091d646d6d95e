package dev.roost.server.security;

import dev.roost.server.error.RoostException;

/**
 * Who is calling the northbound API, as established by the token they presented.
 *
 * @param name    "user:alice" or "token:123", recorded as the actor of what they change
 * @param role    the token's role
 * @param tokenId the presented token's id
 * @param userId  the token's user, 0 for tokens bound to no user
 */
public record Caller(String name, Role role, long tokenId, long userId) {

    /** The identity used for work the server does on its own behalf. */
    public static final Caller SYSTEM = new Caller("system", Role.ADMIN, 0, 0);

    /** @throws RoostException PERMISSION_DENIED unless the caller holds {@code needed} */
    public void require(Role needed) {
        if (!role.includes(needed)) {
            throw RoostException.denied("this operation needs role " + needed.name().toLowerCase()
                    + "; the token has " + role.name().toLowerCase());
        }
    }
}
