package social.nova.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.CreateConversationRequest;
import social.nova.contracts.messaging.v1.CreateConversationResponse;
import social.nova.contracts.messaging.v1.GetUnreadCountRequest;
import social.nova.contracts.messaging.v1.GetUnreadCountResponse;
import social.nova.contracts.messaging.v1.ListConversationsRequest;
import social.nova.contracts.messaging.v1.ListConversationsResponse;
import social.nova.contracts.messaging.v1.ListMessagesRequest;
import social.nova.contracts.messaging.v1.ListMessagesResponse;
import social.nova.contracts.messaging.v1.MarkReadRequest;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.SendMessageRequest;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * messaging-service over real gRPC on real PostgreSQL and Redis, two instances sharing them;
 * user-service (permissions) and auth-service (the key set of the tokens) are registered stub
 * servers ({@link Platform}).
 */
class MessagingServiceIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final Platform platform = Platform.shared();

    @AfterEach
    void everyCallToADependencyWasStubbed() {
        assertThat(platform.users.stubs().unmatched())
                .as("calls to user-service no stub matched")
                .isEmpty();
        assertThat(platform.auth.stub().stubs().unmatched())
                .as("calls to auth-service no stub matched")
                .isEmpty();
    }

    @Test
    void aOneToOneConversationExistsOncePerPairWhoeverAsks() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        platform.pinConsent(ada, bob);
        CreateConversationResponse made = createAnswer(ada, "", bob);
        assertThat(made.getCreated()).isTrue();
        Conversation first = made.getConversation();
        assertThat(first.getParticipantIdsList()).containsExactlyInAnyOrder(ada.id(), bob.id());
        assertThat(first.getTitle()).isEmpty();
        assertThat(first.hasLastMessage()).isFalse();

        CreateConversationResponse repeated = createAnswer(ada, "", bob);
        assertThat(repeated.getCreated())
                .as("the existing one, not created again")
                .isFalse();
        Conversation again = repeated.getConversation();
        Conversation fromBob = create(bob, "", ada);
        assertThat(again).isEqualTo(first);
        assertThat(fromBob.getId()).isEqualTo(first.getId());
        assertThat(fromBob.getCreatedAt()).isEqualTo(first.getCreatedAt());
    }

    @Test
    void concurrentCreatesOfOnePairReturnTheSameConversation() throws Exception {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CreateConversationResponse>> ids = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                Platform.User caller = i % 2 == 0 ? ada : bob;
                Platform.User other = i % 2 == 0 ? bob : ada;
                ids.add(pool.submit((Callable<CreateConversationResponse>) () -> {
                    start.await();
                    return createAnswer(caller, "", other);
                }));
            }
            start.countDown();
            List<String> created = new ArrayList<>();
            int createdByThisCall = 0;
            for (Future<CreateConversationResponse> id : ids) {
                created.add(id.get().getConversation().getId());
                createdByThisCall += id.get().getCreated() ? 1 : 0;
            }
            assertThat(created).containsOnly(created.getFirst());
            assertThat(createdByThisCall).as("calls that say they created it").isEqualTo(1);
        }
    }

    @Test
    void aGroupHasAllItsParticipantsAndItsTitle() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User cyd = platform.register();
        Conversation group = create(ada, "  Trip planning ", bob, cyd);
        assertThat(group.getParticipantIdsList()).containsExactlyInAnyOrder(ada.id(), bob.id(), cyd.id());
        assertThat(group.getTitle()).isEqualTo("Trip planning");
        // Groups are not unique: the same people may have several.
        assertThat(create(ada, "", bob, cyd).getId()).isNotEqualTo(group.getId());
    }

    @Test
    void invalidRequestsNameEachOffendingField() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        var messaging = platform.as(ada);
        List<String> fifty = IntStream.range(0, 50)
                .mapToObj(i -> UUID.randomUUID().toString())
                .toList();
        for (List<String> participants : List.of(
                List.<String>of(), fifty, List.of("not-a-uuid"), List.of(bob.id(), bob.id()), List.of(ada.id()))) {
            assertThat(violatedFields(() -> messaging.createConversation(CreateConversationRequest.newBuilder()
                            .addAllParticipantIds(participants)
                            .build())))
                    .containsExactly("participant_ids");
        }
        assertThat(violatedFields(() -> messaging.createConversation(CreateConversationRequest.newBuilder()
                        .addParticipantIds(bob.id())
                        .setTitle("two people have no title")
                        .build())))
                .containsExactly("title");
        assertThat(violatedFields(() -> messaging.createConversation(CreateConversationRequest.newBuilder()
                        .addParticipantIds(bob.id())
                        .addParticipantIds(platform.register().id())
                        .setTitle("x".repeat(101))
                        .build())))
                .containsExactly("title");

        String conversation = create(ada, "", bob).getId();
        for (String text : List.of("", "  \n ", "x".repeat(4001))) {
            assertThat(violatedFields(() -> messaging.sendMessage(send(conversation, text, key()))))
                    .containsExactly("text");
        }
        for (String key : List.of("", "with space", "k".repeat(65), "é")) {
            assertThat(violatedFields(() -> messaging.sendMessage(send(conversation, "hi", key))))
                    .containsExactly("idempotency_key");
        }
        assertThat(violatedFields(() -> messaging.sendMessage(send("nope", "", ""))))
                .containsExactly("conversation_id", "text", "idempotency_key");
        assertThat(violatedFields(() -> messaging.listMessages(ListMessagesRequest.newBuilder()
                        .setConversationId(conversation)
                        .setPage(PageRequest.newBuilder().setLimit(101).setCursor("garbage"))
                        .build())))
                .containsExactly("page.limit", "page.cursor");
        assertThat(violatedFields(() -> messaging.listConversations(ListConversationsRequest.newBuilder()
                        .setPage(PageRequest.newBuilder().setLimit(-1))
                        .build())))
                .containsExactly("page.limit");
        assertThat(violatedFields(() -> messaging.markRead(MarkReadRequest.newBuilder()
                        .setConversationId("x")
                        .setMessageId("y")
                        .build())))
                .containsExactly("conversation_id", "message_id");
        assertThat(violatedFields(() -> messaging
                        .streamMessages(StreamMessagesRequest.newBuilder()
                                .setConversationId("x")
                                .setAfterMessageId("y")
                                .build())
                        .hasNext()))
                .containsExactly("conversation_id", "after_message_id");
        // The text limit counts characters, not UTF-16 units.
        assertThat(messaging
                        .sendMessage(send(conversation, "🙂".repeat(4000), key()))
                        .getMessage()
                        .getText())
                .hasSize(8000);
    }

    @Test
    void unknownAndRefusingRecipientsStopANewConversation() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User ghost = platform.unknownUser();
        NovaException unknown = failure(() -> create(ada, "", bob, ghost));
        assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknown.getMessage()).contains(ghost.id());
        platform.pinUnknown(ada, ghost);
        NovaException alone = failure(() -> create(ada, "", ghost));
        assertThat(alone.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(alone.getMessage()).contains(ghost.id());

        Platform.User private_ = platform.register();
        platform.refuseNewConversations(private_);
        NovaException refused = failure(() -> create(ada, "", private_));
        assertThat(refused.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(refused.reason()).contains("RECIPIENT_NOT_ACCEPTING");
        assertThat(refused.domain()).contains("messaging.nova.social");
    }

    @Test
    void aBlockedSenderCannotSendInAOneToOneConversation() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        platform.as(ada).sendMessage(send(conversation, "before", key()));
        platform.block(bob, ada);

        NovaException denied = failure(() -> platform.as(ada).sendMessage(send(conversation, "after", key())));
        assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(denied.reason()).contains("RECIPIENT_NOT_ACCEPTING");
        assertThat(denied.domain()).contains("messaging.nova.social");
        // Either way: the blocker cannot write to the blocked user either.
        assertThat(failure(() -> platform.as(bob).sendMessage(send(conversation, "hm", key())))
                        .reason())
                .contains("RECIPIENT_NOT_ACCEPTING");
    }

    @Test
    void whoIsNotAParticipantFindsNothing() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User eve = platform.register();
        String conversation = create(ada, "", bob).getId();
        String message = platform.as(ada)
                .sendMessage(send(conversation, "private", key()))
                .getMessage()
                .getId();
        var asEve = platform.as(eve);
        List<NovaException> errors = List.of(
                failure(() -> asEve.sendMessage(send(conversation, "let me in", key()))),
                failure(() -> asEve.listMessages(ListMessagesRequest.newBuilder()
                        .setConversationId(conversation)
                        .build())),
                failure(() -> asEve.markRead(MarkReadRequest.newBuilder()
                        .setConversationId(conversation)
                        .setMessageId(message)
                        .build())),
                failure(() -> asEve.streamMessages(StreamMessagesRequest.newBuilder()
                                .setConversationId(conversation)
                                .build())
                        .hasNext()),
                failure(() -> asEve.streamMessages(StreamMessagesRequest.newBuilder()
                                .setAfterMessageId(message)
                                .build())
                        .hasNext()),
                failure(() -> asEve.sendMessage(send(UUID.randomUUID().toString(), "anyone?", key()))));
        assertThat(errors).allSatisfy(error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(asEve.listConversations(ListConversationsRequest.getDefaultInstance())
                        .getConversationsList())
                .isEmpty();
    }

    @Test
    void aRepeatedKeyReturnsTheFirstMessageAndAnotherTextIsRefused() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        String key = key();
        Message first =
                platform.as(ada).sendMessage(send(conversation, "once", key)).getMessage();
        // The retry reaches the other instance: the key is the conversation's, not an instance's.
        Message retried = platform.onSecondInstanceAs(ada)
                .sendMessage(send(conversation, " once ", key))
                .getMessage();
        assertThat(retried).isEqualTo(first);
        assertThat(first.getIdempotencyKey()).isEqualTo(key);

        NovaException reused = failure(() -> platform.as(ada).sendMessage(send(conversation, "twice", key)));
        assertThat(reused.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(reused.reason()).contains("IDEMPOTENCY_KEY_REUSED");
        // Another sender's key is theirs.
        platform.as(bob).sendMessage(send(conversation, "mine", key));

        List<Message> messages = platform.as(bob)
                .listMessages(ListMessagesRequest.newBuilder()
                        .setConversationId(conversation)
                        .build())
                .getMessagesList();
        assertThat(messages).extracting(Message::getText).containsExactly("mine", "once");
        // The key is visible to its sender only.
        assertThat(messages.get(1).getIdempotencyKey()).isEmpty();
        assertThat(messages.get(0).getIdempotencyKey()).isEqualTo(key);

        // Announced once on nova.events.conversation (for push), without the text.
        List<Map<String, String>> events = awaitEvents(conversation, 2);
        assertThat(events)
                .filteredOn(event -> event.get("payload").contains(first.getId()))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event).containsEntry("event-type", "MessageSent");
                    assertThat(event.get("payload")).contains(bob.id()).doesNotContain("once");
                });
    }

    @Test
    void concurrentRetriesOfOneSendOnBothInstancesStoreOneMessage() throws Exception {
        // Eight copies of one send at once, on both instances: they all pass the key's first check
        // before any has stored the message, so the key's check under the conversation's lock is
        // what keeps the message single (each waiting send must see the one that committed).
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        String key = key();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Message>> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                boolean second = i % 2 == 1;
                answers.add(pool.submit((Callable<Message>) () -> {
                    start.await();
                    return (second ? platform.onSecondInstanceAs(ada) : platform.as(ada))
                            .sendMessage(send(conversation, "only once", key))
                            .getMessage();
                }));
            }
            start.countDown();
            List<Message> sent = new ArrayList<>();
            for (Future<Message> answer : answers) {
                sent.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(sent).containsOnly(sent.getFirst());
        }
        assertThat(platform.as(bob)
                        .listMessages(ListMessagesRequest.newBuilder()
                                .setConversationId(conversation)
                                .build())
                        .getMessagesList())
                .extracting(Message::getText)
                .containsExactly("only once");
        assertThat(awaitEvents(conversation, 1)).hasSize(1);
    }

    /** Entries of nova.events.conversation about one conversation, once at least {@code count} arrived. */
    private static List<Map<String, String>> awaitEvents(String conversationId, int count) {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            return await().atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () ->
                                    redis
                                            .xrange("nova.events.conversation", (StreamEntryID) null, (StreamEntryID)
                                                    null)
                                            .stream()
                                            .map(entry -> entry.getFields())
                                            .filter(fields -> conversationId.equals(fields.get("aggregate-id")))
                                            .toList(),
                            events -> events.size() >= count);
        }
    }

    @Test
    void aKeyOlderThanTheIdempotencyWindowMayBeUsedAgain() throws Exception {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        // An instance that remembers keys for one second instead of a day.
        RunningService forgetful =
                Platform.startMessagingWith(SharedContainers.consul(), Map.of("messaging.idempotency-window", "PT1S"));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", forgetful.port())
                .usePlaintext()
                .build();
        try {
            var messaging = Platform.as(channel, ada);
            String key = key();
            Message first =
                    messaging.sendMessage(send(conversation, "first", key)).getMessage();
            await().pollDelay(Duration.ofMillis(1500)).atMost(PATIENCE).until(() -> true);
            Message again =
                    messaging.sendMessage(send(conversation, "again", key)).getMessage();
            assertThat(again.getId()).isNotEqualTo(first.getId());
            assertThat(again.getText()).isEqualTo("again");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            forgetful.stop();
        }
    }

    @Test
    void messagesArePagedNewestFirstEachOnce() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        for (int i = 0; i < 25; i++) {
            // Alternating instances: the ids still follow the sending order.
            var sender = i % 2 == 0 ? platform.as(ada) : platform.onSecondInstanceAs(bob);
            sender.sendMessage(send(conversation, "m" + i, key()));
        }
        List<String> texts = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = "";
        do {
            ListMessagesResponse page = platform.as(bob)
                    .listMessages(ListMessagesRequest.newBuilder()
                            .setConversationId(conversation)
                            .setPage(PageRequest.newBuilder().setLimit(10).setCursor(cursor))
                            .build());
            page.getMessagesList().forEach(message -> texts.add(message.getText()));
            sizes.add(page.getMessagesCount());
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(texts)
                .containsExactlyElementsOf(IntStream.iterate(24, i -> i - 1)
                        .limit(25)
                        .mapToObj(i -> "m" + i)
                        .toList());
    }

    @Test
    void conversationsArePagedByRecentActivityWithUnreadCountsAndLastMessages() {
        Platform.User ada = platform.register();
        List<Platform.User> friends =
                IntStream.range(0, 5).mapToObj(i -> platform.register()).toList();
        List<String> conversations = new ArrayList<>();
        for (Platform.User friend : friends) {
            conversations.add(create(ada, "", friend).getId());
        }
        // The oldest conversation gets a message: it moves to the top.
        platform.as(friends.getFirst()).sendMessage(send(conversations.getFirst(), "hello ada", key()));
        platform.as(friends.getFirst()).sendMessage(send(conversations.getFirst(), "are you there?", key()));

        List<Conversation> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = "";
        do {
            ListConversationsResponse page = platform.as(ada)
                    .listConversations(ListConversationsRequest.newBuilder()
                            .setPage(PageRequest.newBuilder().setLimit(2).setCursor(cursor))
                            .build());
            seen.addAll(page.getConversationsList());
            sizes.add(page.getConversationsCount());
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen)
                .extracting(Conversation::getId)
                .containsExactly(
                        conversations.get(0),
                        conversations.get(4),
                        conversations.get(3),
                        conversations.get(2),
                        conversations.get(1));
        Conversation top = seen.getFirst();
        assertThat(top.getUnreadCount()).isEqualTo(2);
        assertThat(top.getLastMessage().getText()).isEqualTo("are you there?");
        assertThat(seen.get(1).getUnreadCount()).isZero();
        assertThat(seen.get(1).hasLastMessage()).isFalse();
    }

    @Test
    void readPositionsOnlyMoveForwardAndUnreadCountsFollowThem() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User cyd = platform.register();
        String withBob = create(ada, "", bob).getId();
        String withCyd = create(ada, "", cyd).getId();
        List<String> fromBob = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fromBob.add(platform.as(bob)
                    .sendMessage(send(withBob, "b" + i, key()))
                    .getMessage()
                    .getId());
        }
        String fromCyd = platform.as(cyd)
                .sendMessage(send(withCyd, "c", key()))
                .getMessage()
                .getId();
        platform.as(ada).sendMessage(send(withBob, "my own message never counts", key()));
        assertThat(unread(ada))
                .isEqualTo(GetUnreadCountResponse.newBuilder()
                        .setUnreadMessages(4)
                        .setUnreadConversations(2)
                        .build());

        assertThat(markRead(ada, withBob, fromBob.get(1))).isEqualTo(1);
        assertThat(markRead(ada, withBob, fromBob.get(0))).as("never back").isEqualTo(1);
        assertThat(markRead(ada, withBob, fromBob.get(1))).as("repeatable").isEqualTo(1);
        assertThat(unread(ada).getUnreadMessages()).isEqualTo(2);

        NovaException elsewhere = failure(() -> markRead(ada, withBob, fromCyd));
        assertThat(elsewhere.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> markRead(ada, withBob, UUID.randomUUID().toString()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(markRead(ada, withBob, fromBob.get(2))).isZero();
        assertThat(markRead(ada, withCyd, fromCyd)).isZero();
        assertThat(unread(ada)).isEqualTo(GetUnreadCountResponse.getDefaultInstance());
    }

    @Test
    void aStreamOnOneInstanceDeliversWhatIsSentThroughTheOtherInOrderOnce() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        StreamRecorder stream = new StreamRecorder();
        platform.streamsAs(ada).streamMessages(StreamMessagesRequest.getDefaultInstance(), stream);
        try {
            // Live from now: probe until the stream is registered, then everything must arrive.
            var bobOnTwo = platform.onSecondInstanceAs(bob);
            await().atMost(PATIENCE).until(() -> {
                bobOnTwo.sendMessage(send(conversation, "probe", key()));
                return !stream.messages().isEmpty();
            });
            List<String> texts =
                    IntStream.range(0, 20).mapToObj(i -> "live " + i).toList();
            for (String text : texts) {
                bobOnTwo.sendMessage(send(conversation, text, key()));
            }
            // Ada's own message from another device (the second instance) too.
            platform.onSecondInstanceAs(ada).sendMessage(send(conversation, "from my phone", key()));
            String last = bobOnTwo.sendMessage(send(conversation, "last", key()))
                    .getMessage()
                    .getId();
            platform.onSecondInstanceAs(bob)
                    .markRead(MarkReadRequest.newBuilder()
                            .setConversationId(conversation)
                            .setMessageId(last)
                            .build());

            await().atMost(PATIENCE).until(() -> !stream.reads().isEmpty());
            List<String> received = stream.texts().stream()
                    .filter(text -> !text.equals("probe"))
                    .toList();
            List<String> expected = new ArrayList<>(texts);
            expected.add("from my phone");
            expected.add("last");
            assertThat(received).containsExactlyElementsOf(expected);
            assertThat(stream.messages())
                    .extracting(Message::getId)
                    .doesNotHaveDuplicates()
                    .isSortedAccordingTo((a, b) -> MessageIds.ORDER.compare(UUID.fromString(a), UUID.fromString(b)));
            assertThat(stream.reads().getFirst().getUserId()).isEqualTo(bob.id());
            assertThat(stream.reads().getFirst().getMessageId()).isEqualTo(last);
            assertThat(stream.ended()).isNull();
        } finally {
            stream.cancel();
        }
    }

    @Test
    void aResumedStreamDeliversWhatItMissedExactlyOnceThenContinuesLive() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User cyd = platform.register();
        String withBob = create(ada, "", bob).getId();
        String withCyd = create(ada, "", cyd).getId();
        String seen = platform.as(bob)
                .sendMessage(send(withBob, "seen before the disconnect", key()))
                .getMessage()
                .getId();
        // While Ada is offline, messages arrive in both her conversations, through both instances.
        platform.onSecondInstanceAs(bob).sendMessage(send(withBob, "missed 1", key()));
        platform.as(cyd).sendMessage(send(withCyd, "missed 2", key()));
        platform.onSecondInstanceAs(bob).sendMessage(send(withBob, "missed 3", key()));

        StreamRecorder stream = new StreamRecorder();
        platform.streamsAs(ada)
                .streamMessages(
                        StreamMessagesRequest.newBuilder()
                                .setAfterMessageId(seen)
                                .build(),
                        stream);
        try {
            await().atMost(PATIENCE).until(() -> stream.messages().size() >= 3);
            for (int i = 0; i < 5; i++) {
                platform.onSecondInstanceAs(cyd).sendMessage(send(withCyd, "live " + i, key()));
            }
            await().atMost(PATIENCE).until(() -> stream.messages().size() >= 8);
            assertThat(stream.texts())
                    .containsExactly(
                            "missed 1", "missed 2", "missed 3", "live 0", "live 1", "live 2", "live 3", "live 4");
            // Nothing more comes: no message twice.
            await().during(Duration.ofSeconds(1))
                    .atMost(PATIENCE)
                    .until(() -> stream.messages().size() == 8);
        } finally {
            stream.cancel();
        }

        // Resuming within one conversation only.
        StreamRecorder onlyBob = new StreamRecorder();
        platform.streamsAs(ada)
                .streamMessages(
                        StreamMessagesRequest.newBuilder()
                                .setConversationId(withBob)
                                .setAfterMessageId(seen)
                                .build(),
                        onlyBob);
        try {
            await().atMost(PATIENCE).until(() -> onlyBob.messages().size() >= 2);
            assertThat(onlyBob.texts()).containsExactly("missed 1", "missed 3");
        } finally {
            onlyBob.cancel();
        }
    }

    @Test
    void losingTheLiveFeedEndsStreamsWithUnavailableAndResumingLosesNothing() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        String seen = platform.as(bob)
                .sendMessage(send(conversation, "seen", key()))
                .getMessage()
                .getId();
        StreamRecorder stream = new StreamRecorder();
        platform.streamsAs(ada)
                .streamMessages(
                        StreamMessagesRequest.newBuilder()
                                .setAfterMessageId(seen)
                                .build(),
                        stream);
        platform.onSecondInstanceAs(bob).sendMessage(send(conversation, "before the outage", key()));
        await().atMost(PATIENCE).until(() -> stream.texts().contains("before the outage"));

        // Redis drops every pub/sub connection (as on a failover): both instances lose their feed.
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            redis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
        }
        await().atMost(PATIENCE).until(() -> stream.ended() != null);
        assertThat(stream.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        platform.onSecondInstanceAs(bob).sendMessage(send(conversation, "during the outage", key()));
        String lastSeen = stream.messages().getLast().getId();

        // The client reconnects with backoff until the instance hears the feed again, and resumes.
        StreamRecorder resumed = resume(ada, lastSeen, bob, conversation);
        try {
            platform.onSecondInstanceAs(bob).sendMessage(send(conversation, "after the outage", key()));
            await().atMost(PATIENCE).until(() -> resumed.texts().contains("after the outage"));
            assertThat(withoutProbes(resumed)).containsExactly("during the outage", "after the outage");
            assertThat(resumed.messages()).extracting(Message::getId).doesNotHaveDuplicates();
        } finally {
            resumed.cancel();
        }
    }

    @Test
    void aRedisThatStopsAnsweringEndsStreamsWithUnavailableToo() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String conversation = create(ada, "", bob).getId();
        String seen = platform.as(bob)
                .sendMessage(send(conversation, "seen", key()))
                .getMessage()
                .getId();
        StreamRecorder stream = new StreamRecorder();
        platform.streamsAs(ada)
                .streamMessages(
                        StreamMessagesRequest.newBuilder()
                                .setAfterMessageId(seen)
                                .build(),
                        stream);
        platform.onSecondInstanceAs(bob).sendMessage(send(conversation, "live", key()));
        await().atMost(PATIENCE).until(() -> stream.texts().contains("live"));

        // Redis freezes without closing a connection: only the unanswered pings tell.
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            redis.sendCommand(Protocol.Command.CLIENT, "PAUSE", "5000", "ALL");
        }
        await().atMost(PATIENCE).until(() -> stream.ended() != null);
        assertThat(stream.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        StreamRecorder resumed = resume(ada, stream.messages().getLast().getId(), bob, conversation);
        try {
            platform.onSecondInstanceAs(bob).sendMessage(send(conversation, "after the freeze", key()));
            await().atMost(PATIENCE).until(() -> resumed.texts().contains("after the freeze"));
            assertThat(withoutProbes(resumed)).containsExactly("after the freeze");
            assertThat(resumed.messages()).extracting(Message::getId).doesNotHaveDuplicates();
        } finally {
            resumed.cancel();
        }
    }

    /**
     * A stream of {@code user} resumed after {@code lastSeen}, reconnecting while the instance
     * refuses streams; accepted once a probe {@code sender} sends after opening it arrives.
     */
    private StreamRecorder resume(Platform.User user, String lastSeen, Platform.User sender, String conversation) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            StreamRecorder attempt = new StreamRecorder();
                            platform.streamsAs(user)
                                    .streamMessages(
                                            StreamMessagesRequest.newBuilder()
                                                    .setAfterMessageId(lastSeen)
                                                    .build(),
                                            attempt);
                            String probe = platform.onSecondInstanceAs(sender)
                                    .sendMessage(send(conversation, "probe", key()))
                                    .getMessage()
                                    .getId();
                            await().atMost(PATIENCE)
                                    .until(() -> attempt.ended() != null
                                            || attempt.messages().stream()
                                                    .anyMatch(m -> m.getId().equals(probe)));
                            return attempt.ended() == null ? attempt : null;
                        },
                        attempt -> attempt != null);
    }

    /** The texts a stream received, probes left out. */
    private static List<String> withoutProbes(StreamRecorder stream) {
        return stream.texts().stream().filter(text -> !text.equals("probe")).toList();
    }

    @Test
    void everyRpcNeedsAnAccessToken() {
        NovaException error =
                failure(() -> platform.anonymously().getUnreadCount(GetUnreadCountRequest.getDefaultInstance()));
        assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        NovaException stream = failure(() -> platform.anonymously()
                .streamMessages(StreamMessagesRequest.getDefaultInstance())
                .hasNext());
        assertThat(stream.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    private Conversation create(Platform.User caller, String title, Platform.User... others) {
        return createAnswer(caller, title, others).getConversation();
    }

    private CreateConversationResponse createAnswer(Platform.User caller, String title, Platform.User... others) {
        var request = CreateConversationRequest.newBuilder().setTitle(title);
        for (Platform.User other : others) {
            request.addParticipantIds(other.id());
        }
        return platform.as(caller).createConversation(request.build());
    }

    private long markRead(Platform.User user, String conversation, String message) {
        return platform.as(user)
                .markRead(MarkReadRequest.newBuilder()
                        .setConversationId(conversation)
                        .setMessageId(message)
                        .build())
                .getUnreadCount();
    }

    private GetUnreadCountResponse unread(Platform.User user) {
        return platform.as(user).getUnreadCount(GetUnreadCountRequest.getDefaultInstance());
    }

    private static SendMessageRequest send(String conversation, String text, String key) {
        return SendMessageRequest.newBuilder()
                .setConversationId(conversation)
                .setText(text)
                .setIdempotencyKey(key)
                .build();
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
