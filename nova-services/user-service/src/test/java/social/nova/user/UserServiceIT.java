package social.nova.user;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.google.protobuf.FieldMask;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.user.v1.BlockRequest;
import social.nova.contracts.user.v1.FollowRequest;
import social.nova.contracts.user.v1.GetMessagingPermissionsRequest;
import social.nova.contracts.user.v1.GetNotificationSettingsRequest;
import social.nova.contracts.user.v1.GetPreferencesRequest;
import social.nova.contracts.user.v1.GetUserByUsernameRequest;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.GetUsersRequest;
import social.nova.contracts.user.v1.ListFollowersRequest;
import social.nova.contracts.user.v1.ListFollowersResponse;
import social.nova.contracts.user.v1.ListFollowingRequest;
import social.nova.contracts.user.v1.MessagePolicy;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.NotificationSetting;
import social.nova.contracts.user.v1.Preferences;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UnblockRequest;
import social.nova.contracts.user.v1.UnfollowRequest;
import social.nova.contracts.user.v1.UpdatePreferencesRequest;
import social.nova.contracts.user.v1.UpdateProfileRequest;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.servicetesting.NovaEvents;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * user-service over real gRPC, on real PostgreSQL, Redis and Consul, with auth-service stood in for
 * ({@link Platform}: tokens from a registered stub, registrations as the events auth-service
 * publishes): what a caller of each RPC sees.
 */
class UserServiceIT {
    private final Platform platform = Platform.shared();

    @Test
    void anEmailVerifiedEventMarksTheProfileAndIsNotLostWhenItOvertakesTheRegistration() {
        Platform.User user = platform.registerWithProfile();
        GetUserRequest byId = GetUserRequest.newBuilder().setUserId(user.id()).build();
        // Read once, so the unverified profile sits in the cache the event must invalidate.
        assertThat(platform.usersAs(user).getUser(byId).getProfile().getEmailVerified())
                .isFalse();

        NovaEvents.emailVerified(user.id());

        await().atMost(Duration.ofSeconds(5))
                .until(() -> platform.usersAs(user).getUser(byId).getProfile().getEmailVerified());

        // An EmailVerified whose profile is not there yet is retried, not dropped.
        String early = UUID.randomUUID().toString();
        NovaEvents.emailVerified(early);
        NovaEvents.userRegistered(early, "u_" + early.replace("-", "").substring(0, 20), "Early Bird");
        GetUserRequest earlyId = GetUserRequest.newBuilder().setUserId(early).build();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() ->
                        platform.usersAs(user).getUser(earlyId).getProfile().getEmailVerified());
    }

    @Test
    void aRegisteredUserHasAProfile() {
        Platform.User user = platform.register();
        // Eventually: how fast the profile follows the registration is measured, not tested (LatencyIT).
        Profile profile = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(
                        () -> platform.usersAs(user)
                                .getUser(GetUserRequest.newBuilder()
                                        .setUserId(user.id())
                                        .build())
                                .getProfile(),
                        p -> p != null);
        assertThat(profile.getId()).isEqualTo(user.id());
        assertThat(profile.getUsername()).isEqualTo(user.username());
        assertThat(profile.getDisplayName()).startsWith("User ");
        assertThat(profile.getBio()).isEmpty();
        assertThat(profile.getFollowerCount()).isZero();
        assertThat(profile.getCreatedAt().getSeconds()).isPositive();

        Profile byName = platform.usersAs(user)
                .getUserByUsername(GetUserByUsernameRequest.newBuilder()
                        .setUsername(user.username().toUpperCase())
                        .build())
                .getProfile();
        assertThat(byName.getId()).isEqualTo(user.id());
    }

    @Test
    void followAndUnfollowAreIdempotentAndKeepTheCounts() {
        Platform.User alice = platform.registerWithProfile();
        Platform.User bob = platform.registerWithProfile();

        Profile followed = platform.usersAs(alice)
                .follow(FollowRequest.newBuilder().setUserId(bob.id()).build())
                .getProfile();
        assertThat(followed.getId()).isEqualTo(bob.id());
        assertThat(followed.getFollowerCount()).isEqualTo(1);
        assertThat(followed.getFollowedByCaller()).isTrue();
        assertThat(platform.usersAs(alice)
                        .follow(FollowRequest.newBuilder().setUserId(bob.id()).build())
                        .getProfile()
                        .getFollowerCount())
                .isEqualTo(1);

        assertThat(user(alice, bob).getFollowedByCaller()).isTrue();
        assertThat(user(bob, bob).getFollowerCount()).isEqualTo(1);
        assertThat(user(bob, alice).getFollowingCount()).isEqualTo(1);
        assertThat(user(bob, alice).getFollowedByCaller()).isFalse();

        UnfollowRequest unfollow =
                UnfollowRequest.newBuilder().setUserId(bob.id()).build();
        platform.usersAs(alice).unfollow(unfollow);
        platform.usersAs(alice).unfollow(unfollow);
        assertThat(user(alice, bob).getFollowerCount()).isZero();
        assertThat(user(alice, bob).getFollowedByCaller()).isFalse();
        assertThat(user(bob, alice).getFollowingCount()).isZero();
    }

    @Test
    void blockRemovesFollowsBothWaysAndHidesTheBlockerFromTheBlocked() {
        Platform.User alice = platform.registerWithProfile();
        Platform.User bob = platform.registerWithProfile();
        Platform.User carol = platform.registerWithProfile();
        platform.usersAs(alice)
                .follow(FollowRequest.newBuilder().setUserId(bob.id()).build());
        platform.usersAs(bob)
                .follow(FollowRequest.newBuilder().setUserId(alice.id()).build());
        platform.usersAs(carol)
                .follow(FollowRequest.newBuilder().setUserId(alice.id()).build());

        platform.usersAs(alice)
                .block(BlockRequest.newBuilder().setUserId(bob.id()).build());
        platform.usersAs(alice)
                .block(BlockRequest.newBuilder().setUserId(bob.id()).build());

        Profile aliceSeenByHerself = user(alice, alice);
        assertThat(aliceSeenByHerself.getFollowerCount()).isEqualTo(1); // carol
        assertThat(aliceSeenByHerself.getFollowingCount()).isZero();
        Profile bobSeenByAlice = user(alice, bob); // the blocker still sees the blocked
        assertThat(bobSeenByAlice.getFollowerCount()).isZero();
        assertThat(bobSeenByAlice.getFollowingCount()).isZero();

        // For bob, alice no longer exists.
        assertThat(failure(() -> user(bob, alice)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> platform.usersAs(bob)
                                .getUserByUsername(GetUserByUsernameRequest.newBuilder()
                                        .setUsername(alice.username())
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(platform.usersAs(bob)
                        .getUsers(GetUsersRequest.newBuilder()
                                .addUserIds(alice.id())
                                .addUserIds(carol.id())
                                .build())
                        .getProfilesList())
                .extracting(Profile::getId)
                .containsExactly(carol.id());
        assertThat(failure(() -> platform.usersAs(bob)
                                .listFollowers(ListFollowersRequest.newBuilder()
                                        .setUserId(alice.id())
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(platform.usersAs(bob)
                        .listFollowing(ListFollowingRequest.newBuilder()
                                .setUserId(carol.id())
                                .build())
                        .getProfilesList())
                .isEmpty(); // carol follows alice: hidden from bob
        assertThat(platform.usersAs(alice)
                        .listFollowing(ListFollowingRequest.newBuilder()
                                .setUserId(carol.id())
                                .build())
                        .getProfilesList())
                .extracting(Profile::getId)
                .containsExactly(alice.id());

        NovaException bobFollows = failure(() -> platform.usersAs(bob)
                .follow(FollowRequest.newBuilder().setUserId(alice.id()).build()));
        assertThat(bobFollows.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(bobFollows.reason()).contains("BLOCKED");
        assertThat(failure(() -> platform.usersAs(alice)
                                .follow(FollowRequest.newBuilder()
                                        .setUserId(bob.id())
                                        .build()))
                        .reason())
                .contains("BLOCKED");

        platform.usersAs(alice)
                .unblock(UnblockRequest.newBuilder().setUserId(bob.id()).build());
        platform.usersAs(alice)
                .unblock(UnblockRequest.newBuilder().setUserId(bob.id()).build());
        Profile aliceAgain = user(bob, alice);
        assertThat(aliceAgain.getFollowedByCaller()).isFalse(); // follows are not restored
        assertThat(platform.usersAs(bob)
                        .follow(FollowRequest.newBuilder().setUserId(alice.id()).build())
                        .getProfile()
                        .getFollowerCount())
                .isEqualTo(2);
    }

    @Test
    void paginationOverTwentyFiveFollowersReturnsEachOnceNewestFirst() {
        Platform.User star = platform.registerWithProfile();
        List<String> followers = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Platform.User fan = platform.registerWithProfile();
            platform.usersAs(fan)
                    .follow(FollowRequest.newBuilder().setUserId(star.id()).build());
            followers.add(fan.id());
        }

        List<String> listed = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = "";
        do {
            ListFollowersResponse page = platform.usersAs(star)
                    .listFollowers(ListFollowersRequest.newBuilder()
                            .setUserId(star.id())
                            .setPage(PageRequest.newBuilder().setLimit(10).setCursor(cursor))
                            .build());
            assertThat(page.getTotalCount()).isEqualTo(25);
            page.getProfilesList().forEach(profile -> listed.add(profile.getId()));
            pageSizes.add(page.getProfilesCount());
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());

        assertThat(pageSizes).containsExactly(10, 10, 5);
        List<String> newestFirst = new ArrayList<>(followers);
        Collections.reverse(newestFirst);
        assertThat(listed).containsExactlyElementsOf(newestFirst);

        // One of the fans follows the star; the default page size is 20.
        Platform.User fan = platform.registerWithProfile();
        platform.usersAs(fan)
                .follow(FollowRequest.newBuilder().setUserId(star.id()).build());
        var following = platform.usersAs(star)
                .listFollowing(
                        ListFollowingRequest.newBuilder().setUserId(fan.id()).build());
        assertThat(following.getProfilesList()).extracting(Profile::getId).containsExactly(star.id());
        assertThat(following.getTotalCount()).isEqualTo(1);
        assertThat(following.getPage().getNextCursor()).isEmpty();
        assertThat(platform.usersAs(star)
                        .listFollowers(ListFollowersRequest.newBuilder()
                                .setUserId(star.id())
                                .build())
                        .getProfilesCount())
                .isEqualTo(20);
    }

    @Test
    void batchLookupKeepsTheOrderAskedForAndSkipsUnknownIds() {
        Platform.User viewer = platform.registerWithProfile();
        Platform.User first = platform.registerWithProfile();
        Platform.User second = platform.registerWithProfile();
        platform.usersAs(viewer)
                .follow(FollowRequest.newBuilder().setUserId(first.id()).build());

        List<Profile> profiles = platform.usersAs(viewer)
                .getUsers(GetUsersRequest.newBuilder()
                        .addUserIds(second.id())
                        .addUserIds(UUID.randomUUID().toString())
                        .addUserIds(first.id())
                        .addUserIds(second.id())
                        .build())
                .getProfilesList();
        assertThat(profiles).extracting(Profile::getId).containsExactly(second.id(), first.id());
        assertThat(profiles).extracting(Profile::getFollowedByCaller).containsExactly(false, true);
    }

    @Test
    void invalidInputNamesEveryBadField() {
        Platform.User user = platform.registerWithProfile();
        var users = platform.usersAs(user);

        assertThat(violatedFields(() -> users.getUser(
                        GetUserRequest.newBuilder().setUserId("not-a-uuid").build())))
                .containsExactly("user_id");
        assertThat(violatedFields(() -> users.getUsers(GetUsersRequest.getDefaultInstance())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getUsers(GetUsersRequest.newBuilder()
                        .addAllUserIds(IntStream.range(0, 101)
                                .mapToObj(i -> UUID.randomUUID().toString())
                                .toList())
                        .build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getUsers(
                        GetUsersRequest.newBuilder().addUserIds("x").build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getUserByUsername(
                        GetUserByUsernameRequest.newBuilder().setUsername("a!").build())))
                .containsExactly("username");
        assertThat(violatedFields(() -> users.follow(
                        FollowRequest.newBuilder().setUserId(user.id()).build())))
                .containsExactly("user_id");
        assertThat(violatedFields(() -> users.listFollowers(ListFollowersRequest.newBuilder()
                        .setUserId("1-1-1-1-1")
                        .setPage(PageRequest.newBuilder().setLimit(101).setCursor("%%%"))
                        .build())))
                .containsExactlyInAnyOrder("user_id", "page.limit", "page.cursor");
        assertThat(violatedFields(() -> users.listFollowing(ListFollowingRequest.newBuilder()
                        .setUserId(user.id())
                        .setPage(PageRequest.newBuilder().setLimit(-1))
                        .build())))
                .containsExactly("page.limit");
        assertThat(violatedFields(() -> users.updateProfile(UpdateProfileRequest.getDefaultInstance())))
                .containsExactlyInAnyOrder("display_name", "bio");
        assertThat(violatedFields(() -> users.updateProfile(UpdateProfileRequest.newBuilder()
                        .setDisplayName("  ")
                        .setBio("x".repeat(161))
                        .build())))
                .containsExactlyInAnyOrder("display_name", "bio");
        assertThat(violatedFields(() -> users.updatePreferences(UpdatePreferencesRequest.getDefaultInstance())))
                .containsExactly("update_mask");
        assertThat(violatedFields(() -> users.updatePreferences(UpdatePreferencesRequest.newBuilder()
                        .setPreferences(Preferences.newBuilder()
                                .setLanguage("not a tag")
                                .setTimezone("Mars/Olympus"))
                        .setUpdateMask(FieldMask.newBuilder()
                                .addPaths("language")
                                .addPaths("timezone")
                                .addPaths("shoe_size"))
                        .build())))
                .containsExactlyInAnyOrder("update_mask", "preferences.language", "preferences.timezone");
    }

    @Test
    void aCursorIsValidOnlyForTheListThatIssuedIt() {
        Platform.User star = platform.registerWithProfile();
        for (int i = 0; i < 2; i++) {
            platform.usersAs(platform.registerWithProfile())
                    .follow(FollowRequest.newBuilder().setUserId(star.id()).build());
        }
        String cursor = platform.usersAs(star)
                .listFollowers(ListFollowersRequest.newBuilder()
                        .setUserId(star.id())
                        .setPage(PageRequest.newBuilder().setLimit(1))
                        .build())
                .getPage()
                .getNextCursor();
        assertThat(cursor).isNotEmpty();

        assertThat(violatedFields(() -> platform.usersAs(star)
                        .listFollowing(ListFollowingRequest.newBuilder()
                                .setUserId(star.id())
                                .setPage(PageRequest.newBuilder().setCursor(cursor))
                                .build())))
                .containsExactly("page.cursor");
        Platform.User other = platform.registerWithProfile();
        assertThat(violatedFields(() -> platform.usersAs(star)
                        .listFollowers(ListFollowersRequest.newBuilder()
                                .setUserId(other.id())
                                .setPage(PageRequest.newBuilder().setCursor(cursor))
                                .build())))
                .containsExactly("page.cursor");
    }

    @Test
    void unknownUsersAreNotFound() {
        var users = platform.usersAs(platform.registerWithProfile());
        String unknown = UUID.randomUUID().toString();
        assertThat(failure(() -> users.getUser(
                                GetUserRequest.newBuilder().setUserId(unknown).build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> users.getUserByUsername(GetUserByUsernameRequest.newBuilder()
                                .setUsername("nobody_" + unknown.substring(0, 8))
                                .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> users.follow(
                                FollowRequest.newBuilder().setUserId(unknown).build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> users.block(
                                BlockRequest.newBuilder().setUserId(unknown).build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> users.listFollowers(ListFollowersRequest.newBuilder()
                                .setUserId(unknown)
                                .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        users.unfollow(UnfollowRequest.newBuilder().setUserId(unknown).build());
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        Platform.User user = platform.registerWithProfile();
        GetUserRequest request =
                GetUserRequest.newBuilder().setUserId(user.id()).build();
        assertThat(failure(() -> platform.usersAnonymously().getUser(request)).code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(failure(() -> platform.usersAnonymously().getPreferences(GetPreferencesRequest.getDefaultInstance()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        NovaException forged =
                failure(() -> platform.usersWithToken(user.accessToken() + "x").getUser(request));
        assertThat(forged.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(forged.reason()).contains("TOKEN_INVALID");
    }

    @Test
    void profileChangesAreSeenAtOnceDespiteTheCache() {
        Platform.User owner = platform.registerWithProfile();
        Platform.User viewer = platform.registerWithProfile();
        assertThat(user(viewer, owner).getBio()).isEmpty();
        try (RedisClient redis = redis()) {
            assertThat(redis.exists("cache:profiles:v:profile:" + owner.id())).isTrue();
        }

        Profile updated = platform.usersAs(owner)
                .updateProfile(UpdateProfileRequest.newBuilder()
                        .setDisplayName("  Ada Lovelace ")
                        .setBio("Analyst")
                        .build())
                .getProfile();
        assertThat(updated.getDisplayName()).isEqualTo("Ada Lovelace");
        assertThat(user(viewer, owner).getDisplayName()).isEqualTo("Ada Lovelace");
        assertThat(user(viewer, owner).getBio()).isEqualTo("Analyst");

        platform.usersAs(owner)
                .updateProfile(UpdateProfileRequest.newBuilder().setBio("").build());
        Profile cleared = user(viewer, owner);
        assertThat(cleared.getBio()).isEmpty();
        assertThat(cleared.getDisplayName()).isEqualTo("Ada Lovelace");
    }

    @Test
    void aReplayedRegistrationChangesNothing() {
        Platform.User user = platform.registerWithProfile();
        Platform.User fan = platform.registerWithProfile();
        platform.usersAs(fan)
                .follow(FollowRequest.newBuilder().setUserId(user.id()).build());
        platform.usersAs(user)
                .updateProfile(UpdateProfileRequest.newBuilder()
                        .setDisplayName("Renamed")
                        .build());

        try (RedisClient redis = redis()) {
            StreamEntry original =
                    redis.xrange(UserSettings.STREAM, (StreamEntryID) null, (StreamEntryID) null).stream()
                            .filter(entry -> entry.getFields()
                                    .getOrDefault("payload", "")
                                    .contains(user.id()))
                            .findFirst()
                            .orElseThrow();
            Map<String, String> fields = original.getFields();
            StreamEntryID replayed = redis.xadd(UserSettings.STREAM, StreamEntryID.NEW_ENTRY, fields);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.xinfoGroups(UserSettings.STREAM).stream()
                            .filter(group -> group.getName().equals(UserSettings.GROUP))
                            .anyMatch(group ->
                                    group.getLastDeliveredId().compareTo(replayed) >= 0 && group.getPending() == 0));
            assertThat(redis.xlen(UserSettings.STREAM + ".dlq")).isZero();
        }
        Profile after = user(fan, user);
        assertThat(after.getDisplayName()).isEqualTo("Renamed");
        assertThat(after.getFollowerCount()).isEqualTo(1);
        assertThat(after.getFollowedByCaller()).isTrue();
    }

    @Test
    void preferencesHaveDefaultsAndChangeOnlyWhereTheMaskSays() {
        Platform.User user = platform.registerWithProfile();
        var users = platform.usersAs(user);
        Preferences defaults =
                users.getPreferences(GetPreferencesRequest.getDefaultInstance()).getPreferences();
        assertThat(defaults.getLanguage()).isEqualTo("en");
        assertThat(defaults.getTimezone()).isEqualTo("UTC");
        assertThat(defaults.getNotifyOnLike()).isTrue();
        assertThat(defaults.getAllowMessagesFrom()).isEqualTo(MessagePolicy.MESSAGE_POLICY_EVERYONE);

        Preferences changed = users.updatePreferences(UpdatePreferencesRequest.newBuilder()
                        .setPreferences(Preferences.newBuilder()
                                .setLanguage("pt-BR")
                                .setTimezone("Europe/Lisbon")
                                .setNotifyOnLike(false)
                                .setNotifyOnFollow(false)
                                .setAllowMessagesFrom(MessagePolicy.MESSAGE_POLICY_FOLLOWING))
                        .setUpdateMask(FieldMask.newBuilder()
                                .addPaths("language")
                                .addPaths("timezone")
                                .addPaths("notify_on_like")
                                .addPaths("allow_messages_from"))
                        .build())
                .getPreferences();
        assertThat(changed.getLanguage()).isEqualTo("pt-BR");
        assertThat(changed.getTimezone()).isEqualTo("Europe/Lisbon");
        assertThat(changed.getNotifyOnLike()).isFalse();
        assertThat(changed.getNotifyOnFollow()).isTrue(); // not in the mask
        assertThat(changed.getAllowMessagesFrom()).isEqualTo(MessagePolicy.MESSAGE_POLICY_FOLLOWING);
        assertThat(users.getPreferences(GetPreferencesRequest.getDefaultInstance())
                        .getPreferences())
                .isEqualTo(changed);
    }

    @Test
    void messagingPermissionsFollowBlocksAndEachRecipientsPolicy() {
        Platform.User sender = platform.registerWithProfile();
        Platform.User open = platform.registerWithProfile();
        Platform.User followersOnly = platform.registerWithProfile();
        Platform.User followsSender = platform.registerWithProfile();
        Platform.User closed = platform.registerWithProfile();
        Platform.User blocker = platform.registerWithProfile();
        Platform.User blockedBySender = platform.registerWithProfile();
        String unknown = UUID.randomUUID().toString();
        policy(followersOnly, MessagePolicy.MESSAGE_POLICY_FOLLOWING);
        policy(followsSender, MessagePolicy.MESSAGE_POLICY_FOLLOWING);
        policy(closed, MessagePolicy.MESSAGE_POLICY_NOBODY);
        platform.usersAs(followsSender)
                .follow(FollowRequest.newBuilder().setUserId(sender.id()).build());
        platform.usersAs(blocker)
                .block(BlockRequest.newBuilder().setUserId(sender.id()).build());
        platform.usersAs(sender)
                .block(BlockRequest.newBuilder().setUserId(blockedBySender.id()).build());

        List<String> asked = List.of(
                closed.id(),
                open.id(),
                unknown,
                followersOnly.id(),
                followsSender.id(),
                blocker.id(),
                blockedBySender.id());
        List<MessagingPermission> permissions = platform.usersAs(sender)
                .getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                        .addAllUserIds(asked)
                        .build())
                .getPermissionsList();

        assertThat(permissions).extracting(MessagingPermission::getUserId).containsExactlyElementsOf(asked);
        assertThat(permissions)
                .extracting(
                        MessagingPermission::getFound,
                        MessagingPermission::getBlocked,
                        MessagingPermission::getAcceptsNewConversation)
                .containsExactly(
                        tuple(true, false, false), // NOBODY
                        tuple(true, false, true), // EVERYONE (default)
                        tuple(false, false, false), // no such user
                        tuple(true, false, false), // FOLLOWING, does not follow
                        tuple(true, false, true), // FOLLOWING, follows the sender
                        tuple(true, true, false), // blocks the sender
                        tuple(true, true, false)); // blocked by the sender

        var users = platform.usersAs(sender);
        assertThat(violatedFields(
                        () -> users.getMessagingPermissions(GetMessagingPermissionsRequest.getDefaultInstance())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                        .addUserIds(open.id())
                        .addUserIds(open.id())
                        .build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                        .addUserIds(sender.id())
                        .build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users.getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                        .addUserIds("not-a-uuid")
                        .build())))
                .containsExactly("user_ids");
    }

    @Test
    void notificationSettingsAreEachUsersSwitchesAndNeedNoCaller() {
        Platform.User untouched = platform.registerWithProfile();
        Platform.User quiet = platform.registerWithProfile();
        String unknown = UUID.randomUUID().toString();
        platform.usersAs(quiet)
                .updatePreferences(UpdatePreferencesRequest.newBuilder()
                        .setPreferences(Preferences.newBuilder()
                                .setNotifyOnMessage(false)
                                .setNotifyOnLike(false))
                        .setUpdateMask(FieldMask.newBuilder()
                                .addPaths("notify_on_message")
                                .addPaths("notify_on_like"))
                        .build());

        // The service asking (messaging-service handling an event) has no user's token.
        var service = platform.usersAnonymously();
        List<NotificationSetting> settings = service.getNotificationSettings(GetNotificationSettingsRequest.newBuilder()
                        .addUserIds(quiet.id())
                        .addUserIds(unknown)
                        .addUserIds(untouched.id())
                        .build())
                .getSettingsList();

        assertThat(settings)
                .extracting(
                        NotificationSetting::getUserId,
                        NotificationSetting::getFound,
                        NotificationSetting::getNotifyOnFollow,
                        NotificationSetting::getNotifyOnLike,
                        NotificationSetting::getNotifyOnMessage)
                .containsExactly(
                        tuple(quiet.id(), true, true, false, false),
                        tuple(unknown, false, false, false, false),
                        tuple(untouched.id(), true, true, true, true)); // the defaults

        assertThat(violatedFields(
                        () -> service.getNotificationSettings(GetNotificationSettingsRequest.getDefaultInstance())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> service.getNotificationSettings(GetNotificationSettingsRequest.newBuilder()
                        .addUserIds(quiet.id())
                        .addUserIds(quiet.id())
                        .build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> service.getNotificationSettings(GetNotificationSettingsRequest.newBuilder()
                        .addUserIds("not-a-uuid")
                        .build())))
                .containsExactly("user_ids");
    }

    private void policy(Platform.User user, MessagePolicy policy) {
        platform.usersAs(user)
                .updatePreferences(UpdatePreferencesRequest.newBuilder()
                        .setPreferences(Preferences.newBuilder().setAllowMessagesFrom(policy))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("allow_messages_from"))
                        .build());
    }

    private Profile user(Platform.User caller, Platform.User subject) {
        return platform.usersAs(caller)
                .getUser(GetUserRequest.newBuilder().setUserId(subject.id()).build())
                .getProfile();
    }

    private static RedisClient redis() {
        return RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort());
    }
}
