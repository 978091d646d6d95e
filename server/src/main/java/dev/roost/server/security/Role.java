package dev.roost.server.security;

/** Northbound roles, each including the rights of the ones before it. */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }
}
