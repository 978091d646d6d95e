/**
 * Northbound security: roles, callers, users, API tokens, bcrypt hashing and the failed-login
 * limiter. Transports authenticate through {@link dev.roost.server.security.Authenticator} and
 * pass the resulting {@link dev.roost.server.security.Caller} to the use cases, which check roles.
 */
package dev.roost.server.security;
