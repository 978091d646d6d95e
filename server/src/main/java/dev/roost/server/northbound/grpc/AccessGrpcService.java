package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.CreateTokenRequest;
import dev.roost.proto.v1.CreateTokenResponse;
import dev.roost.proto.v1.CreateUserRequest;
import dev.roost.proto.v1.DeleteUserRequest;
import dev.roost.proto.v1.DeleteUserResponse;
import dev.roost.proto.v1.ListTokensRequest;
import dev.roost.proto.v1.ListTokensResponse;
import dev.roost.proto.v1.ListUsersRequest;
import dev.roost.proto.v1.ListUsersResponse;
import dev.roost.proto.v1.LoginRequest;
import dev.roost.proto.v1.RevokeTokenRequest;
import dev.roost.proto.v1.RevokeTokenResponse;
import dev.roost.proto.v1.UpdateUserRequest;
import dev.roost.proto.v1.User;
import dev.roost.proto.v1.WhoAmIRequest;
import dev.roost.proto.v1.WhoAmIResponse;
import dev.roost.server.common.Ids;
import dev.roost.server.security.AccessService;
import dev.roost.server.security.Caller;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Optional;

/** gRPC adapter of {@link AccessService}. */
public final class AccessGrpcService extends AccessServiceGrpc.AccessServiceImplBase {
    private final AccessService access;

    public AccessGrpcService(AccessService access) {
        this.access = access;
    }

    @Override
    public void login(LoginRequest request, StreamObserver<CreateTokenResponse> observer) {
        Unary.respond(observer, () -> issued(access.login(GrpcAuthInterceptor.source(), request.getUsername(),
                request.getPassword(), ttl(request.getTtlSeconds()))));
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> observer) {
        Unary.respond(observer, () -> {
            Caller caller = access.whoAmI(GrpcAuthInterceptor.caller());
            return WhoAmIResponse.newBuilder().setPrincipal(caller.name()).setRole(ProtoMapper.role(caller.role()))
                    .setTokenId(Long.toString(caller.tokenId())).build();
        });
    }

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<User> observer) {
        Unary.respond(observer, () -> ProtoMapper.user(access.createUser(GrpcAuthInterceptor.caller(),
                request.getUsername(), request.getPassword(), ProtoMapper.role(request.getRole()))));
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> observer) {
        Unary.respond(observer, () -> ListUsersResponse.newBuilder()
                .addAllUsers(access.users(GrpcAuthInterceptor.caller()).stream().map(ProtoMapper::user).toList())
                .build());
    }

    @Override
    public void updateUser(UpdateUserRequest request, StreamObserver<User> observer) {
        Unary.respond(observer, () -> ProtoMapper.user(access.updateUser(GrpcAuthInterceptor.caller(),
                Ids.parse("id", request.getId()),
                request.hasPassword() ? Optional.of(request.getPassword()) : Optional.empty(),
                request.getRole() == dev.roost.proto.v1.Role.ROLE_UNSPECIFIED
                        ? Optional.empty() : Optional.of(ProtoMapper.role(request.getRole())),
                request.hasDisabled() ? Optional.of(request.getDisabled()) : Optional.empty())));
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<DeleteUserResponse> observer) {
        Unary.respond(observer, () -> {
            access.deleteUser(GrpcAuthInterceptor.caller(), Ids.parse("id", request.getId()));
            return DeleteUserResponse.getDefaultInstance();
        });
    }

    @Override
    public void createToken(CreateTokenRequest request, StreamObserver<CreateTokenResponse> observer) {
        Unary.respond(observer, () -> issued(access.createToken(GrpcAuthInterceptor.caller(), request.getName(),
                ProtoMapper.role(request.getRole()), ttl(request.getTtlSeconds()))));
    }

    @Override
    public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> observer) {
        Unary.respond(observer, () -> ListTokensResponse.newBuilder()
                .addAllTokens(access.tokens(GrpcAuthInterceptor.caller(), request.getIncludeRevoked()).stream()
                        .map(ProtoMapper::token).toList())
                .build());
    }

    @Override
    public void revokeToken(RevokeTokenRequest request, StreamObserver<RevokeTokenResponse> observer) {
        Unary.respond(observer, () -> {
            access.revokeToken(GrpcAuthInterceptor.caller(), Ids.parse("id", request.getId()));
            return RevokeTokenResponse.getDefaultInstance();
        });
    }

    private static CreateTokenResponse issued(AccessService.IssuedToken issued) {
        return CreateTokenResponse.newBuilder().setToken(ProtoMapper.token(issued.token())).setSecret(issued.secret())
                .build();
    }

    private static Optional<Duration> ttl(long seconds) {
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }
}
