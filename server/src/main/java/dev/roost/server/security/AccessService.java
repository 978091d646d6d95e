package dev.roost.server.security;

import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Validation;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Use cases of users and API tokens. */
public final class AccessService {
    public static final Duration DEFAULT_LOGIN_TTL = Duration.ofHours(12);
    public static final String INITIAL_TOKEN_NAME = "initial-admin";
    /** The token roost.admin.token (ROOST_ADMIN_TOKEN) installs. */
    public static final String CONFIGURED_TOKEN_NAME = "env-admin";
    private static final String TOKEN_PREFIX = "rst_";
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._@-]{1,63}$");

    private final AccessStore store;
    private final Authenticator authenticator;
    private final AuthFailureLimiter limiter;
    private final SecretHasher hasher;
    private final Snowflake ids;
    private final Clock clock;

    public AccessService(AccessStore store, Authenticator authenticator, AuthFailureLimiter limiter,
                         SecretHasher hasher, Snowflake ids, Clock clock) {
        this.store = store;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
    }

    /** A token and its bearer value in clear, shown only this once. */
    public record IssuedToken(ApiToken token, String secret) {
    }

    /**
     * On a database with no users and no tokens, creates the initial admin token (named
     * {@value #INITIAL_TOKEN_NAME}) and returns its value, to be shown once.
     *
     * @return the generated token's value when one was created
     */
    public Optional<String> bootstrap() {
        if (!store.isEmpty()) {
            return Optional.empty();
        }
        String secret = newBearer();
        issue(INITIAL_TOKEN_NAME, Role.ADMIN, 0, Optional.empty(), secret);
        return Optional.of(secret);
    }

    /** What {@link #installConfiguredAdmin} found. */
    public enum ConfiguredAdmin { ALREADY_VALID, INSTALLED, REPLACED }

    /**
     * Makes {@code secret} (roost.admin.token, from the operator's environment) a valid admin token
     * on every start, whatever the database already holds: the environment variable then always
     * names a token that works. It is stored as {@value #CONFIGURED_TOKEN_NAME}; a previous
     * {@value #CONFIGURED_TOKEN_NAME} with another value is revoked, so that changing the variable
     * retires the old value. Other tokens are left alone.
     */
    public ConfiguredAdmin installConfiguredAdmin(String secret) {
        if (secret == null || secret.length() < 16) {
            throw RoostException.invalid("roost.admin.token", "must be at least 16 characters");
        }
        Instant now = clock.instant();
        for (AccessStore.TokenCredential candidate : store.tokensByLookupKey(Authenticator.lookupKey(secret))) {
            ApiToken token = candidate.token();
            if (token.role() == Role.ADMIN && token.usableAt(now) && hasher.matches(secret, candidate.secretHash())) {
                return ConfiguredAdmin.ALREADY_VALID;
            }
        }
        boolean replaced = false;
        for (ApiToken old : store.tokens(Optional.empty(), false)) {
            if (CONFIGURED_TOKEN_NAME.equals(old.name()) && store.revokeToken(old.id(), now)) {
                authenticator.forgetToken(old.id());
                replaced = true;
            }
        }
        issue(CONFIGURED_TOKEN_NAME, Role.ADMIN, 0, Optional.empty(), secret);
        return replaced ? ConfiguredAdmin.REPLACED : ConfiguredAdmin.INSTALLED;
    }

    public IssuedToken login(String source, String username, String password, Optional<Duration> ttl) {
        limiter.check(source);
        Optional<AccessStore.UserCredential> found = store.findUserByName(username == null ? "" : username.trim());
        if (found.isEmpty() || found.get().user().disabled() || password == null
                || !hasher.matches(password, found.get().passwordHash())) {
            limiter.recordFailure(source);
            throw RoostException.unauthenticated("wrong username or password");
        }
        User user = found.get().user();
        Duration lifetime = validTtl(ttl).orElse(DEFAULT_LOGIN_TTL);
        return issue("login", user.role(), user.id(), Optional.of(clock.instant().plus(lifetime)), newBearer());
    }

    public Caller whoAmI(Caller caller) {
        caller.require(Role.VIEWER);
        return caller;
    }

    public User createUser(Caller caller, String username, String password, Role role) {
        caller.require(Role.ADMIN);
        String name = validUsername(username);
        String valid = validPassword(password);
        User user = new User(ids.nextId(), name, requireRole(role), false, clock.instant());
        store.insertUser(user, hasher.hash(valid));
        return user;
    }

    public List<User> users(Caller caller) {
        caller.require(Role.ADMIN);
        return store.users();
    }

    public User updateUser(Caller caller, long id, Optional<String> password, Optional<Role> role,
                           Optional<Boolean> disabled) {
        caller.require(Role.ADMIN);
        Optional<String> hash = password.map(AccessService::validPassword).map(hasher::hash);
        User current = store.findUser(id).orElseThrow(() -> RoostException.notFound("user", id)).user();
        User updated = new User(id, current.username(), role.orElse(current.role()), disabled.orElse(current.disabled()),
                current.createdAt());
        store.updateUser(updated, hash);
        authenticator.forgetUser(id);
        return updated;
    }

    public void deleteUser(Caller caller, long id) {
        caller.require(Role.ADMIN);
        if (caller.userId() == id) {
            throw new RoostException(ErrorCode.FAILED_PRECONDITION, "you cannot delete your own user");
        }
        if (!store.deleteUser(id, clock.instant())) {
            throw RoostException.notFound("user", id);
        }
        authenticator.forgetUser(id);
    }

    /**
     * Admins create tokens of any role, bound to no user; others create tokens for themselves of
     * at most their own role.
     */
    public IssuedToken createToken(Caller caller, String name, Role role, Optional<Duration> ttl) {
        caller.require(Role.VIEWER);
        String tokenName = Validation.required("name", name, 128);
        Role tokenRole = requireRole(role);
        if (!caller.role().includes(tokenRole)) {
            throw RoostException.denied("a token cannot have more rights than its creator ("
                    + caller.role().name().toLowerCase() + ")");
        }
        long userId = caller.role() == Role.ADMIN ? 0 : caller.userId();
        Optional<Instant> expiresAt = validTtl(ttl).map(clock.instant()::plus);
        return issue(tokenName, tokenRole, userId, expiresAt, newBearer());
    }

    /** Admins see every token; a user sees their own; a token bound to no user sees only itself. */
    public List<ApiToken> tokens(Caller caller, boolean includeRevoked) {
        caller.require(Role.VIEWER);
        if (caller.role() == Role.ADMIN) {
            return store.tokens(Optional.empty(), includeRevoked);
        }
        if (caller.userId() == 0) {
            return store.findToken(caller.tokenId()).stream().toList();
        }
        return store.tokens(Optional.of(caller.userId()), includeRevoked);
    }

    public void revokeToken(Caller caller, long id) {
        caller.require(Role.VIEWER);
        ApiToken token = store.findToken(id).orElseThrow(() -> RoostException.notFound("token", id));
        boolean own = caller.userId() == 0 ? token.id() == caller.tokenId() : token.userId() == caller.userId();
        if (caller.role() != Role.ADMIN && !own) {
            throw RoostException.denied("only admins may revoke other users' tokens");
        }
        store.revokeToken(id, clock.instant());
        authenticator.forgetToken(id);
    }

    private IssuedToken issue(String name, Role role, long userId, Optional<Instant> expiresAt, String secret) {
        ApiToken token = new ApiToken(ids.nextId(), name, role, userId, clock.instant(), expiresAt, Optional.empty());
        store.insertToken(token, Authenticator.lookupKey(secret), hasher.hash(secret));
        return new IssuedToken(token, secret);
    }

    private String newBearer() {
        return TOKEN_PREFIX + hasher.newSecret(32);
    }

    private static Optional<Duration> validTtl(Optional<Duration> ttl) {
        if (ttl.isPresent() && (ttl.get().isNegative() || ttl.get().compareTo(Duration.ofDays(3650)) > 0)) {
            throw RoostException.invalid("ttl_seconds", "must be 0..315360000");
        }
        return ttl.filter(t -> !t.isZero());
    }

    private static Role requireRole(Role role) {
        if (role == null) {
            throw RoostException.invalid("role", "must be viewer, operator or admin");
        }
        return role;
    }

    private static String validUsername(String username) {
        String name = Validation.required("username", username, 64);
        if (!USERNAME.matcher(name).matches()) {
            throw RoostException.invalid("username", "must be 2-64 lower-case letters, digits or . _ @ -");
        }
        return name;
    }

    private static String validPassword(String password) {
        if (password == null || password.length() < 12 || password.length() > 72) {
            throw RoostException.invalid("password", "must be 12..72 characters");
        }
        return password;
    }
}
