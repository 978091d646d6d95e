package dev.roost.server.northbound.rest;

import dev.roost.server.common.Ids;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.AccessService;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import dev.roost.server.security.Sources;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** REST adapter of {@link AccessService}: /api/v1/login, /whoami, /users and /tokens. */
public final class AccessHttpService implements HttpService {
    private final AccessService access;
    private final RestJson json;

    public AccessHttpService(AccessService access, RestJson json) {
        this.access = access;
        this.json = json;
    }

    record Login(String username, String password, Long ttlSeconds) {
    }

    record NewUser(String username, String password, String role) {
    }

    record UserChange(Optional<String> password, Optional<String> role, Optional<Boolean> disabled) {
    }

    record NewToken(String name, String role, Long ttlSeconds) {
    }

    record WhoAmI(String principal, Role role, String tokenId) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/login", this::login)
                .get("/whoami", this::whoAmI)
                .post("/users", this::createUser)
                .get("/users", this::users)
                .patch("/users/{id}", this::updateUser)
                .delete("/users/{id}", this::deleteUser)
                .post("/tokens", this::createToken)
                .get("/tokens", this::tokens)
                .delete("/tokens/{id}", this::revokeToken);
    }

    private void login(ServerRequest request, ServerResponse response) {
        Login body = json.body(request, Login.class);
        json.ok(response, access.login(Sources.host(request.remotePeer().address()), body.username(),
                body.password(), ttl(body.ttlSeconds())));
    }

    private void whoAmI(ServerRequest request, ServerResponse response) {
        Caller caller = access.whoAmI(RestAuthFilter.caller(request));
        json.ok(response, new WhoAmI(caller.name(), caller.role(), Long.toString(caller.tokenId())));
    }

    private void createUser(ServerRequest request, ServerResponse response) {
        NewUser body = json.body(request, NewUser.class);
        json.created(response, access.createUser(RestAuthFilter.caller(request), body.username(), body.password(),
                role(body.role())));
    }

    private void users(ServerRequest request, ServerResponse response) {
        json.ok(response, access.users(RestAuthFilter.caller(request)));
    }

    private void updateUser(ServerRequest request, ServerResponse response) {
        UserChange body = json.body(request, UserChange.class);
        json.ok(response, access.updateUser(RestAuthFilter.caller(request), Ids.parse("id", Queries.path(request, "id")),
                orEmpty(body.password()), orEmpty(body.role()).map(AccessHttpService::role), orEmpty(body.disabled())));
    }

    private void deleteUser(ServerRequest request, ServerResponse response) {
        access.deleteUser(RestAuthFilter.caller(request), Ids.parse("id", Queries.path(request, "id")));
        json.ok(response, Map.of("deleted", true));
    }

    private void createToken(ServerRequest request, ServerResponse response) {
        NewToken body = json.body(request, NewToken.class);
        json.created(response, access.createToken(RestAuthFilter.caller(request), body.name(), role(body.role()),
                ttl(body.ttlSeconds())));
    }

    private void tokens(ServerRequest request, ServerResponse response) {
        json.ok(response, access.tokens(RestAuthFilter.caller(request), Queries.bool(request, "include_revoked")));
    }

    private void revokeToken(ServerRequest request, ServerResponse response) {
        access.revokeToken(RestAuthFilter.caller(request), Ids.parse("id", Queries.path(request, "id")));
        json.ok(response, Map.of("revoked", true));
    }

    private static Role role(String role) {
        if (role == null) {
            throw RoostException.invalid("role", "is required (viewer, operator or admin)");
        }
        try {
            return Role.valueOf(role.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw RoostException.invalid("role", "must be viewer, operator or admin, was '" + role + "'");
        }
    }

    private static Optional<Duration> ttl(Long seconds) {
        if (seconds == null) {
            return Optional.empty();
        }
        if (seconds < 0) {
            throw RoostException.invalid("ttl_seconds", "must not be negative");
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}
