package social.nova.fcm;

/**
 * The devices a service sends to, as far as FCM needs them: when FCM says a device token is no
 * longer valid ({@code UNREGISTERED}, or {@code INVALID_ARGUMENT} for the token), {@link FcmSender}
 * calls {@link #remove(String)} so the service owning the devices drops it and stops sending to it.
 */
@FunctionalInterface
public interface DeviceRegistry {
    /** A registry that keeps nothing (a sender whose caller handles {@link SendResult.InvalidToken} itself). */
    DeviceRegistry NONE = token -> {};

    /**
     * Forgets the device token. Called on the sending thread before {@code send} returns; an
     * exception is logged and the result is still {@link SendResult.InvalidToken}.
     */
    void remove(String token);
}
