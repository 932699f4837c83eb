package social.nova.messaging;

import java.util.List;
import java.util.UUID;

import io.grpc.StatusRuntimeException;
import social.nova.contracts.user.v1.GetMessagingPermissionsRequest;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * What messaging-service asks user-service: whether the caller may message some users
 * ({@code GetMessagingPermissions}: existence, blocks both ways, and the users' allow_messages_from).
 * Calls go through the kit's resilient client (deadline, retry of the read, bulkhead, circuit
 * breaker) and carry the caller's own access token, so user-service answers for that caller.
 */
final class MessagingPermissions {
    /** The Consul name messaging-service calls. */
    static final String USER_SERVICE = "user-service";

    private final UserServiceGrpc.UserServiceBlockingStub users;

    MessagingPermissions(UserServiceGrpc.UserServiceBlockingStub users) {
        this.users = users;
    }

    /**
     * Returns if every user exists and accepts a new conversation from the caller; otherwise
     * NOT_FOUND for the first unknown user, PERMISSION_DENIED (RECIPIENT_NOT_ACCEPTING) for the
     * first who does not accept, UNAVAILABLE when user-service cannot answer.
     */
    void requireMayStartConversation(List<UUID> others) {
        List<MessagingPermission> permissions = permissions(others);
        permissions.stream()
                .filter(permission -> !permission.getFound())
                .findFirst()
                .ifPresent(unknown -> {
                    throw MessagingErrors.userNotFound(unknown.getUserId());
                });
        permissions.stream()
                .filter(permission -> !permission.getAcceptsNewConversation())
                .findFirst()
                .ifPresent(refusing -> {
                    throw MessagingErrors.recipientNotAccepting(refusing.getUserId());
                });
    }

    /**
     * Returns unless the caller and {@code other} block each other (PERMISSION_DENIED,
     * RECIPIENT_NOT_ACCEPTING). Their message policy does not matter here: it only governs who may
     * start a conversation. A user who no longer exists blocks nobody.
     */
    void requireNotBlocked(UUID other) {
        permissions(List.of(other)).stream()
                .filter(MessagingPermission::getBlocked)
                .findFirst()
                .ifPresent(blocked -> {
                    throw MessagingErrors.recipientNotAccepting(blocked.getUserId());
                });
    }

    private List<MessagingPermission> permissions(List<UUID> userIds) {
        try {
            return users.getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                            .addAllUserIds(userIds.stream().map(UUID::toString).toList())
                            .build())
                    .getPermissionsList();
        } catch (StatusRuntimeException e) {
            // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
            if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
                throw NovaException.from(e);
            }
            throw NovaException.builder(
                            ErrorCode.UNAVAILABLE, "user-service cannot confirm the recipients right now; retry later")
                    .domain(MessagingErrors.DOMAIN)
                    .cause(e)
                    .build();
        }
    }
}
