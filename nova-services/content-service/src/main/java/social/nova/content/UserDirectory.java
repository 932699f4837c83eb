package social.nova.content;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.StatusRuntimeException;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * What content-service asks user-service: whether a user may author posts. Calls go through the
 * kit's resilient client (deadline, retry of the read, bulkhead, circuit breaker) and carry the
 * caller's own access token, which user-service verifies.
 *
 * <p>A confirmed author is remembered for a while ({@code content.authors}): user-service has no
 * way to delete or suspend a profile, so a confirmation does not go stale, and an author's next
 * posts skip a whole gRPC round trip (the largest part of CreatePost's time). The expiry bounds
 * how long a confirmation could outlive such a change if one is ever added. Refusals are never
 * remembered: a new account's profile may appear a moment after its first try.
 */
final class UserDirectory {
    /** The Consul name content-service calls. */
    static final String USER_SERVICE = "user-service";

    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final Cache<UUID, Boolean> confirmed;

    UserDirectory(UserServiceGrpc.UserServiceBlockingStub users, int confirmedAuthors, Duration confirmedFor) {
        this.users = users;
        this.confirmed = Caffeine.newBuilder()
                .maximumSize(confirmedAuthors)
                .expireAfterWrite(confirmedFor)
                .build();
    }

    /** Whether user-service confirmed the user lately: {@link #requireAuthor} then asks nothing. */
    boolean confirmedLately(UUID userId) {
        return confirmed.getIfPresent(userId) != null;
    }

    /**
     * Returns if user-service has a profile for the user (or confirmed it lately); otherwise
     * INVALID_ARGUMENT (AUTHOR_UNKNOWN) for an unknown user, and UNAVAILABLE when user-service
     * cannot answer (down, breaker open, deadline), never INTERNAL.
     */
    void requireAuthor(UUID userId) {
        if (confirmed.getIfPresent(userId) != null) {
            return;
        }
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
        confirmed.put(userId, Boolean.TRUE);
    }
}
