package social.nova.content;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
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
 * <p>A confirmed author is remembered for {@code content.authors.confirmed-ttl} (60 s; 0 turns it
 * off): an author posting again within it costs no call to user-service, and keeps posting while
 * user-service is briefly unreachable. Only confirmations are remembered; an unknown author is
 * asked about every time, so a profile created a moment later is seen at once. Profiles are never
 * deleted today; if deletion comes, a deleted author can post for at most this long.
 */
final class UserDirectory {
    /** The Consul name content-service calls. */
    static final String USER_SERVICE = "user-service";
    static final int MAX_REMEMBERED = 100_000;

    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final Cache<UUID, Boolean> confirmed;

    UserDirectory(UserServiceGrpc.UserServiceBlockingStub users, Duration confirmedTtl) {
        this(users, confirmedTtl, Ticker.systemTicker());
    }

    UserDirectory(UserServiceGrpc.UserServiceBlockingStub users, Duration confirmedTtl, Ticker ticker) {
        this.users = users;
        this.confirmed = Caffeine.newBuilder()
                .expireAfterWrite(confirmedTtl)
                .maximumSize(confirmedTtl.isZero() ? 0 : MAX_REMEMBERED)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Returns if user-service has a profile for the user; otherwise INVALID_ARGUMENT
     * (AUTHOR_UNKNOWN) for an unknown or deleted user, and UNAVAILABLE when user-service cannot
     * answer (down, breaker open, deadline), never INTERNAL.
     */
    void requireAuthor(UUID userId) {
        if (confirmed.getIfPresent(userId) != null) {
            return;
        }
        try {
            users.getUser(GetUserRequest.newBuilder().setUserId(userId.toString()).build());
            confirmed.put(userId, Boolean.TRUE);
        } catch (StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case NOT_FOUND -> throw ContentErrors.authorUnknown();
                // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
                case UNAUTHENTICATED -> throw NovaException.from(e);
                default -> throw NovaException.builder(ErrorCode.UNAVAILABLE,
                                "user-service cannot confirm the author right now; retry later")
                        .domain(ContentErrors.DOMAIN)
                        .cause(e)
                        .build();
            }
        }
    }
}
