package social.nova.fcm;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends push notifications through Firebase Cloud Messaging. Blocking, and safe to call from many
 * (virtual) threads at once; a send waits out retries, up to {@code fcm.retry.deadline}.
 */
public interface FcmSender extends AutoCloseable {
    /**
     * Sends one message to one device, retrying transient failures. Never throws for what FCM
     * answers: the result says what happened.
     */
    SendResult send(FcmMessage message);

    @Override
    void close();

    /**
     * The sender {@code settings} describe: an {@link FcmClient}, or, with {@code fcm.enabled: false},
     * one that sends nothing (and says so in the log once), so services start without FCM configured.
     *
     * @param devices told of every device token FCM refuses for good
     * @param meters where the counters go
     */
    static FcmSender create(FcmSettings settings, DeviceRegistry devices, MeterRegistry meters) {
        return settings.enabled() ? new FcmClient(settings, devices, meters) : new DisabledFcmSender();
    }
}
