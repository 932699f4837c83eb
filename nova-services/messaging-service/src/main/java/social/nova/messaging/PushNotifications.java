package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.user.v1.GetNotificationSettingsRequest;
import social.nova.contracts.user.v1.NotificationSetting;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;
import social.nova.fcm.FcmMessage;
import social.nova.fcm.FcmSender;
import social.nova.fcm.SendResult;

/**
 * Pushes a new message to the devices of recipients who are not connected: the handler of
 * messaging-service's own {@code MessageSent} events (stream {@code nova.events.conversation}, its
 * own consumer group), so a push never delays SendMessage and survives a restart (the event waits
 * in the stream). For each recipient, in this order:
 *
 * <ol>
 *   <li>still a participant and has not muted the conversation (PostgreSQL);
 *   <li>no StreamMessages call open on any instance ({@link Presence}): a connected app shows the
 *       message itself;
 *   <li>has a registered device;
 *   <li>has notify_on_message on (user-service's GetNotificationSettings);
 * </ol>
 *
 * then one FCM message per device, with the message's text. The sender never gets a push (the
 * event's recipients exclude the sender). An event older than {@code messaging.push.max-age} is
 * not pushed (a push about an hour-old message after an outage is noise; the apps sync on open).
 *
 * <p>Failures before the first send (PostgreSQL, Redis, user-service) throw, and nova-events hands
 * the event over again; once sending has begun nothing throws, so a retried event never pushes the
 * same message twice to a device. FCM's own retries happen inside {@link FcmSender}; a token FCM
 * refuses for good leaves the devices table there ({@link Devices#remove}).
 */
final class PushNotifications implements EventHandler {
    private static final System.Logger LOG = System.getLogger(PushNotifications.class.getName());
    /** Characters of the message text in the notification's body. */
    static final int BODY_LENGTH = 120;

    private final Jdbi jdbi;
    private final MessagingStore store;
    private final Presence presence;
    private final Devices devices;
    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final FcmSender fcm;
    private final Duration maxAge;
    private final Clock clock;
    private final MeterRegistry meters;
    /** One counter per outcome, registered at its first use. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    PushNotifications(
            Jdbi jdbi,
            MessagingStore store,
            Presence presence,
            Devices devices,
            UserServiceGrpc.UserServiceBlockingStub users,
            FcmSender fcm,
            Duration maxAge,
            Clock clock,
            MeterRegistry meters) {
        this.jdbi = jdbi;
        this.store = store;
        this.presence = presence;
        this.devices = devices;
        this.users = users;
        this.fcm = fcm;
        this.maxAge = maxAge;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public void handle(Event event) {
        if (!MessageEvents.MESSAGE_SENT.equals(event.type())) {
            return;
        }
        EventPayload payload = EventPayload.of(event);
        UUID conversation = payload.uuid("conversationId");
        UUID messageId = payload.uuid("messageId");
        UUID sender = payload.uuid("senderId");
        Instant sentAt = payload.instant("sentAt");
        if (sentAt.plus(maxAge).isBefore(clock.instant())) {
            count("too_old", 1);
            return;
        }
        List<UUID> recipients =
                recipients(event).stream().filter(id -> !id.equals(sender)).toList();
        if (recipients.isEmpty()) {
            return;
        }
        List<UUID> unmuted =
                jdbi.withHandle(handle -> store.unmutedParticipantsAmong(handle, conversation, recipients));
        count("muted_or_left", recipients.size() - unmuted.size());
        List<UUID> away =
                unmuted.stream().filter(user -> !presence.isConnected(user)).toList();
        count("connected", unmuted.size() - away.size());
        Map<UUID, List<MessagingStore.Device>> byUser = new LinkedHashMap<>();
        devices.of(away)
                .forEach(device -> byUser.computeIfAbsent(device.userId(), id -> new ArrayList<>())
                        .add(device));
        count("no_device", away.size() - byUser.size());
        if (byUser.isEmpty()) {
            return;
        }
        Set<UUID> wanting = wantMessageNotifications(List.copyOf(byUser.keySet()));
        count("notifications_off", byUser.size() - wanting.size());
        if (wanting.isEmpty()) {
            return;
        }
        String text =
                jdbi.withHandle(handle -> store.messageText(handle, messageId)).orElse(null);
        if (text == null) {
            return;
        }

        // From here on nothing throws: the event must not come again and push twice.
        Map<String, String> data = Map.of(
                "type", "message",
                "conversationId", conversation.toString(),
                "messageId", messageId.toString(),
                "senderId", sender.toString());
        for (UUID user : wanting) {
            count("pushed", 1);
            for (MessagingStore.Device device : byUser.get(user)) {
                send(FcmMessage.to(device.token())
                        .withNotification("New message", abbreviate(text))
                        .withData(data));
            }
        }
    }

    private void send(FcmMessage message) {
        try {
            SendResult result = fcm.send(message);
            if (result instanceof SendResult.Failed failed) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "push not delivered to {0}: {1} ({2} attempts)",
                        message,
                        failed.reason(),
                        failed.attempts());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "push not delivered to " + message, e);
        }
    }

    /** Which of {@code userIds} have notify_on_message on; throws while user-service cannot tell. */
    private Set<UUID> wantMessageNotifications(List<UUID> userIds) {
        try {
            return users
                    .getNotificationSettings(GetNotificationSettingsRequest.newBuilder()
                            .addAllUserIds(userIds.stream().map(UUID::toString).toList())
                            .build())
                    .getSettingsList()
                    .stream()
                    .filter(NotificationSetting::getNotifyOnMessage)
                    .map(setting -> UUID.fromString(setting.getUserId()))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException(
                    "user-service cannot tell who wants message notifications: " + e.getStatus(), e);
        }
    }

    private static List<UUID> recipients(Event event) {
        return EventPayload.of(event).uuids("recipientIds");
    }

    static String abbreviate(String text) {
        return text.length() <= BODY_LENGTH ? text : text.substring(0, BODY_LENGTH - 1) + "\u2026";
    }

    private void count(String outcome, int recipients) {
        if (recipients > 0) {
            counters.computeIfAbsent(
                            outcome,
                            name -> Counter.builder("nova.messaging.push.recipients")
                                    .description("Recipients of new messages, by what became of their push")
                                    .tag("outcome", name)
                                    .register(meters))
                    .increment(recipients);
        }
    }
}
