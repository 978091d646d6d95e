package dev.roost.cli.output;

import dev.roost.proto.v1.ApiToken;
import dev.roost.proto.v1.CreateTokenResponse;
import dev.roost.proto.v1.User;

/** Views of users and API tokens. */
public final class AccessViews {
    private AccessViews() {
    }

    public record UserView(String id, String username, String role, boolean disabled, String createdAt) {
    }

    public record TokenView(String id, String name, String role, String userId, String createdAt, String expiresAt,
                            String revokedAt) {
    }

    /** A new token; the secret is shown only here. */
    public record CreatedTokenView(TokenView token, String secret) {
    }

    public static UserView user(User user) {
        return new UserView(user.getId(), user.getUsername(), Values.name(user.getRole()), user.getDisabled(),
                Values.time(user.getCreatedAtMs()));
    }

    public static TokenView token(ApiToken token) {
        return new TokenView(token.getId(), token.getName(), Values.name(token.getRole()),
                Values.text(token.getUserId()), Values.time(token.getCreatedAtMs()),
                Values.time(token.getExpiresAtMs()), Values.time(token.getRevokedAtMs()));
    }

    public static CreatedTokenView created(CreateTokenResponse created) {
        return new CreatedTokenView(token(created.getToken()), created.getSecret());
    }
}
