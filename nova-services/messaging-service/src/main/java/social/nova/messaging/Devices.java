package social.nova.messaging;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Jdbi;
import social.nova.errors.Violations;
import social.nova.fcm.DeviceRegistry;

/**
 * The devices users registered for push notifications (RegisterDevice), and the registry
 * nova-fcm-shared drops the tokens FCM refuses for good from.
 */
final class Devices implements DeviceRegistry {
    /** FCM tokens are about 160 characters today; the bound leaves room and refuses abuse. */
    static final int MAX_TOKEN_LENGTH = 4096;
    /** Printable ASCII without spaces: what FCM hands out (a colon, letters, digits, "-", "_"). */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]+");

    private final Jdbi jdbi;
    private final MessagingStore store;
    private final Clock clock;

    Devices(Jdbi jdbi, MessagingStore store, Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Registers {@code token} for the caller (moving it from another user who had it).
     *
     * @param platform ANDROID, IOS or WEB; null when the request named none
     */
    void register(UUID caller, String token, String platform) {
        Violations violations = new Violations();
        violations.require(
                token.length() <= MAX_TOKEN_LENGTH && TOKEN.matcher(token).matches(),
                "token",
                "must be 1.." + MAX_TOKEN_LENGTH + " characters of printable ASCII without spaces");
        violations.require(platform != null, "platform", "must be DEVICE_PLATFORM_ANDROID, _IOS or _WEB");
        violations.throwIfAny();
        jdbi.useHandle(handle -> store.registerDevice(handle, token, caller, platform, clock.instant()));
    }

    List<MessagingStore.Device> of(List<UUID> users) {
        return users.isEmpty() ? List.of() : jdbi.withHandle(handle -> store.devicesOf(handle, users));
    }

    @Override
    public void remove(String token) {
        jdbi.useHandle(handle -> store.removeDevice(handle, token));
    }
}
