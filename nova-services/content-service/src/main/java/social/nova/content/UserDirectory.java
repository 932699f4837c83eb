package social.nova.content;

import java.util.UUID;

import io.grpc.StatusRuntimeException;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * What content-service asks user-service: whether a user may author posts. Calls go through the
 * kit's resilient client (deadline, retry of the read, bulkhead, circuit breaker) and carry the
 * caller's own access token, which user-service verifies.
 */
final class UserDirectory {
    /** The Consul name content-service calls. */
    static final String USER_SERVICE = "user-service";

    private final UserServiceGrpc.UserServiceBlockingStub users;

    UserDirectory(UserServiceGrpc.UserServiceBlockingStub users) {
        this.users = users;
    }

    /**
     * Returns if user-service has a profile for the user; otherwise INVALID_ARGUMENT
     * (AUTHOR_UNKNOWN) for an unknown or deleted user, and UNAVAILABLE when user-service cannot
     * answer (down, breaker open, deadline), never INTERNAL.
     */
    void requireAuthor(UUID userId) {
        try {
            users.getUser(
                    GetUserRequest.newBuilder().setUserId(userId.toString()).build());
        } catch (StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case NOT_FOUND -> throw ContentErrors.authorUnknown();
                // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
                case UNAUTHENTICATED -> throw NovaException.from(e);
                default ->
                    throw NovaException.builder(
                                    ErrorCode.UNAVAILABLE,
                                    "user-service cannot confirm the author right now; retry later")
                            .domain(ContentErrors.DOMAIN)
                            .cause(e)
                            .build();
            }
        }
    }
}
