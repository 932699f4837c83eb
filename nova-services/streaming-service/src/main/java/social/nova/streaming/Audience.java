package social.nova.streaming;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import social.nova.contracts.user.v1.GetMessagingPermissionsRequest;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * Which broadcasters a viewer may see, from user-service's {@code GetMessagingPermissions}: a
 * stream whose owner and the caller block each other (either way) does not exist for the caller.
 * Calls go through the kit's resilient client and carry the caller's own token, so user-service
 * answers for that caller. One call covers a whole page of owners.
 */
final class Audience {
    /** The Consul name streaming-service calls. */
    static final String USER_SERVICE = "user-service";

    private final UserServiceGrpc.UserServiceBlockingStub users;

    Audience(UserServiceGrpc.UserServiceBlockingStub users) {
        this.users = users;
    }

    /** Whether {@code owner} and {@code caller} block each other (never for one's own stream). */
    boolean blocked(UUID caller, UUID owner) {
        return !caller.equals(owner) && !blockedAmong(caller, List.of(owner)).isEmpty();
    }

    /** The owners among {@code owners} who block or are blocked by {@code caller}. */
    Set<UUID> blockedAmong(UUID caller, Collection<UUID> owners) {
        List<String> others = owners.stream()
                .filter(owner -> !owner.equals(caller))
                .distinct()
                .map(UUID::toString)
                .toList();
        if (others.isEmpty()) {
            return Set.of();
        }
        try {
            return users
                    .getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                            .addAllUserIds(others)
                            .build())
                    .getPermissionsList()
                    .stream()
                    .filter(MessagingPermission::getBlocked)
                    .map(permission -> UUID.fromString(permission.getUserId()))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (StatusRuntimeException e) {
            // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw NovaException.from(e);
            }
            throw NovaException.builder(
                            ErrorCode.UNAVAILABLE, "user-service cannot confirm who may watch right now; retry later")
                    .domain(StreamingErrors.DOMAIN)
                    .cause(e)
                    .build();
        }
    }
}
