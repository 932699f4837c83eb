package social.nova.fcm;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/** What {@code fcm.enabled: false} gives: sends nothing, and says so in the log once. */
final class DisabledFcmSender implements FcmSender {
    private static final System.Logger LOGGER = System.getLogger(DisabledFcmSender.class.getName());
    private static final String REASON = "FCM is disabled (fcm.enabled is false)";

    private final AtomicBoolean logged = new AtomicBoolean();

    @Override
    public SendResult send(FcmMessage message) {
        if (logged.compareAndSet(false, true)) {
            LOGGER.log(Level.INFO, REASON + ": push notifications are not sent");
        }
        return new SendResult.Skipped(REASON);
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
