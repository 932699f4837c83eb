package social.nova.harness;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.auth.v1.PublicKey;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostsRequest;
import social.nova.contracts.content.v1.GetPostsResponse;
import social.nova.contracts.user.v1.GetMessagingPermissionsRequest;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.harness.GatewayApi.Account;
import social.nova.harness.GatewayApi.Answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Every edge of the dependency graph, against the real running providers: what each caller expects
 * of its provider holds (the answer, not found, invalid input, unauthenticated), and the provider's
 * status reaches the gateway's HTTP answer mapped as the API documents it
 * (nova-services/api-gateway/README.md). Then one user's journey through the gateway.
 *
 * <p>Edges: gateway to auth-, user-, content-, feed-, search- and streaming-service (HTTP through
 * the gateway); content-service and streaming-service to user-service, feed-service to content-service and user-service to
 * auth-service (gRPC, called directly the way those callers call, plus their effect seen through
 * the gateway); auth-service to user-service through the {@code UserRegistered} event on a Redis
 * stream; user- and content-service to feed- and search-service through their events (the read
 * side's journey).
 */
@ExtendWith(NovaStackExtension.class)
@Order(1)
class ContractsIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The profile of a new account is promised "well within 2 s"; a loaded 2-core machine gets some slack. */
    private static final Duration PROFILE_PROMISE = Duration.ofSeconds(5);

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);
    /** Feed and search follow an event within 2 s (issue 10); see {@link #awaitReadSide}. */
    private static final Duration READ_SIDE_PROMISE = Duration.ofSeconds(2);

    private static final Duration READ_SIDE_WAIT = Duration.ofSeconds(5);
    private static final long RPC_DEADLINE_SECONDS = 5;
    private static final String USER_EVENTS = "nova.events.user";
    private static final String USER_EVENTS_GROUP = "user-service";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static NovaStack stack;
    private static GatewayApi gateway;
    private static Account ada;
    private static Account bob;
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();

    @BeforeAll
    static void twoAccounts(NovaStack novaStack) throws Exception {
        stack = novaStack;
        gateway = GatewayApi.of(stack, REQUEST_TIMEOUT);
        ada = gateway.signUp("ada");
        bob = gateway.signUp("bob");
    }

    @AfterAll
    static void closeChannels() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
    }

    // --- gateway -> auth-service -----------------------------------------------------------------

    @Test
    void gatewayToAuthService() throws Exception {
        // Happy path: the accounts above were registered (201) and logged in (200); a refresh rotates.
        Account carol = gateway.register("carol");
        JsonNode refreshed = gateway.expect(
                200,
                "POST",
                "/api/v1/auth/refresh",
                null,
                Map.of("refreshToken", carol.refreshToken().get()));
        assertThat(refreshed.get("tokenType").asText()).isEqualTo("Bearer");
        assertThat(refreshed.get("refreshToken").asText())
                .isNotEqualTo(carol.refreshToken().get());

        Answer taken = gateway.call(
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of(
                        "email",
                        ada.email(),
                        "password",
                        "another good password",
                        "username",
                        "other" + shortId(),
                        "displayName",
                        "Other"));
        assertError(taken, 409, "ALREADY_EXISTS", "EMAIL_TAKEN");

        Answer invalid = gateway.call(
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of("email", "not-an-email", "password", "short", "username", "A!", "displayName", " "));
        assertError(invalid, 400, "INVALID_ARGUMENT", null);
        assertThat(invalid.violatedFields())
                .as("field names as the API spells them")
                .contains("email", "password", "username", "displayName");

        Answer wrongPassword = gateway.call(
                "POST", "/api/v1/auth/login", null, Map.of("email", ada.email(), "password", "not the password"));
        assertError(wrongPassword, 401, "UNAUTHENTICATED", "INVALID_CREDENTIALS");
        assertThat(wrongPassword.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

        // auth-service has no "not found": an unknown refresh token is its nearest kin.
        Answer unknownToken =
                gateway.call("POST", "/api/v1/auth/refresh", null, Map.of("refreshToken", "no-such-token"));
        assertError(unknownToken, 401, "UNAUTHENTICATED", "REFRESH_TOKEN_INVALID");

        Answer logoutWithoutToken = gateway.call("POST", "/api/v1/auth/logout", null, Map.of("refreshToken", "x"));
        assertError(logoutWithoutToken, 401, "UNAUTHENTICATED", "TOKEN_MISSING");
    }

    // --- gateway -> user-service -----------------------------------------------------------------

    @Test
    void gatewayToUserService() throws Exception {
        JsonNode profile = gateway.expect(200, "GET", "/api/v1/users/" + bob.userId(), ada.accessToken(), null);
        assertThat(profile.get("id").asText()).isEqualTo(bob.userId());
        assertThat(profile.get("username").asText()).isEqualTo(bob.username());
        assertThat(profile.get("displayName").asText()).isEqualTo("Display " + bob.username());
        assertThat(profile.has("followers") && profile.has("following") && profile.has("createdAt"))
                .isTrue();

        assertError(gateway.get("/api/v1/users/" + UUID.randomUUID(), ada.accessToken()), 404, "NOT_FOUND", null);

        // Invalid input the service finds (the gateway checks only that ids are UUIDs and limits integers).
        Answer emptyName = gateway.call("PATCH", "/api/v1/users/me", ada.accessToken(), Map.of("displayName", ""));
        assertError(emptyName, 400, "INVALID_ARGUMENT", null);
        assertThat(emptyName.violatedFields()).containsExactly("displayName");
        Answer hugePage = gateway.get("/api/v1/users/" + bob.userId() + "/followers?limit=1000", ada.accessToken());
        assertError(hugePage, 400, "INVALID_ARGUMENT", null);
        assertThat(hugePage.violatedFields()).containsExactly("limit");
        Answer notAnId = gateway.get("/api/v1/users/not-a-uuid", ada.accessToken());
        assertError(notAnId, 400, "INVALID_ARGUMENT", null);
        assertThat(notAnId.violatedFields()).containsExactly("id");

        assertError(gateway.get("/api/v1/users/me", null), 401, "UNAUTHENTICATED", "TOKEN_MISSING");
        assertError(
                gateway.get("/api/v1/users/me", tampered(ada.accessToken(), bob.userId())),
                401,
                "UNAUTHENTICATED",
                null);
    }

    // --- gateway -> content-service --------------------------------------------------------------

    @Test
    void gatewayToContentService() throws Exception {
        Answer created = gateway.call("POST", "/api/v1/posts", ada.accessToken(), Map.of("text", "  contract post  "));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String postId = created.body().get("id").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/posts/" + postId);
        JsonNode post = gateway.expect(200, "GET", "/api/v1/posts/" + postId, bob.accessToken(), null);
        assertThat(post.get("text").asText()).as("trimmed").isEqualTo("contract post");
        assertThat(post.get("authorId").asText()).isEqualTo(ada.userId());
        assertThat(post.get("likes").asLong()).isZero();

        assertError(gateway.get("/api/v1/posts/" + UUID.randomUUID(), ada.accessToken()), 404, "NOT_FOUND", null);

        Answer blank = gateway.call("POST", "/api/v1/posts", ada.accessToken(), Map.of("text", "   "));
        assertError(blank, 400, "INVALID_ARGUMENT", null);
        assertThat(blank.violatedFields()).containsExactly("text");
        Answer tooLong = gateway.call("POST", "/api/v1/posts", ada.accessToken(), Map.of("text", "x".repeat(501)));
        assertError(tooLong, 400, "INVALID_ARGUMENT", null);
        assertThat(tooLong.violatedFields()).containsExactly("text");

        assertError(
                gateway.call("POST", "/api/v1/posts", null, Map.of("text", "anonymous")), 401, "UNAUTHENTICATED", null);
        assertError(
                gateway.call("DELETE", "/api/v1/posts/" + postId, bob.accessToken(), null),
                403,
                "PERMISSION_DENIED",
                "NOT_AUTHOR");
    }

    // --- content-service -> user-service ---------------------------------------------------------

    @Test
    void contentServiceToUserService() throws Exception {
        // What content-service's UserDirectory sends: GetUser(author) with the caller's own token.
        UserServiceGrpc.UserServiceBlockingStub asAda = userService(ada.accessToken());
        Profile profile = asAda.getUser(
                        GetUserRequest.newBuilder().setUserId(bob.userId()).build())
                .getProfile();
        assertThat(profile.getId()).isEqualTo(bob.userId());
        assertThat(profile.getUsername()).isEqualTo(bob.username());

        assertRpcError(
                () -> asAda.getUser(GetUserRequest.newBuilder()
                        .setUserId(UUID.randomUUID().toString())
                        .build()),
                Status.Code.NOT_FOUND,
                null);
        NovaException invalid = assertRpcError(
                () -> asAda.getUser(GetUserRequest.newBuilder().setUserId("x").build()),
                Status.Code.INVALID_ARGUMENT,
                null);
        assertThat(invalid.violations()).extracting(FieldViolation::field).containsExactly("user_id");
        assertRpcError(
                () -> userService(null)
                        .getUser(GetUserRequest.newBuilder()
                                .setUserId(bob.userId())
                                .build()),
                Status.Code.UNAUTHENTICATED,
                null);

        // End to end: user-service's NOT_FOUND for the author becomes content-service's
        // INVALID_ARGUMENT AUTHOR_UNKNOWN, and the gateway's 400.
        Account ghost = gateway.register("ghost");
        await("ghost's profile row").atMost(EVENT_TIMEOUT).until(() -> profileRows(ghost.userId()) == 1);
        deleteProfile(ghost.userId());
        Answer orphan = gateway.call("POST", "/api/v1/posts", ghost.accessToken(), Map.of("text", "who am I"));
        assertError(orphan, 400, "INVALID_ARGUMENT", "AUTHOR_UNKNOWN");
    }

    // --- user-service -> auth-service (public keys) ----------------------------------------------

    @Test
    void userServiceToAuthServiceKeys() throws Exception {
        GetPublicKeysResponse keys = authService(null).getPublicKeys(GetPublicKeysRequest.getDefaultInstance());
        String kid = jwtPart(ada.accessToken(), 0).get("kid").asText();
        assertThat(keys.getKeysList())
                .extracting(PublicKey::getKid)
                .as("the key that signed ada's token")
                .contains(kid);
        PublicKey signing = keys.getKeysList().stream()
                .filter(key -> key.getKid().equals(kid))
                .findFirst()
                .orElseThrow();
        assertThat(signing.getUse()).isEqualTo("sig");
        assertThat(signing.getAlg())
                .isEqualTo(jwtPart(ada.accessToken(), 0).get("alg").asText());
        assertThat(GatewayApi.JSON.readTree(keys.getJwksJson()).get("keys").size())
                .isEqualTo(keys.getKeysCount());
        assertThat(keys.getMaxAgeSeconds()).isPositive();

        // user-service verifies with those keys: ada's token passes, a token with a forged payload does not.
        assertThat(userService(ada.accessToken())
                        .getUser(GetUserRequest.newBuilder()
                                .setUserId(ada.userId())
                                .build())
                        .getProfile()
                        .getId())
                .isEqualTo(ada.userId());
        String forged = tampered(ada.accessToken(), bob.userId());
        assertRpcError(
                () -> userService(forged)
                        .getUser(GetUserRequest.newBuilder()
                                .setUserId(bob.userId())
                                .build()),
                Status.Code.UNAUTHENTICATED,
                "TOKEN_INVALID");

        AuthServiceGrpc.AuthServiceBlockingStub auth = authService(null);
        assertThat(auth.verifyToken(VerifyTokenRequest.newBuilder()
                                .setAccessToken(ada.accessToken())
                                .build())
                        .getClaims()
                        .getUserId())
                .isEqualTo(ada.userId());
        assertRpcError(
                () -> auth.verifyToken(VerifyTokenRequest.newBuilder()
                        .setAccessToken("not.a.token")
                        .build()),
                Status.Code.UNAUTHENTICATED,
                "TOKEN_INVALID");
        NovaException empty = assertRpcError(
                () -> auth.verifyToken(VerifyTokenRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, null);
        assertThat(empty.violations()).extracting(FieldViolation::field).containsExactly("access_token");
    }

    // --- auth-service -> user-service: UserRegistered on a Redis stream ---------------------------

    @Test
    void authServiceToUserServiceThroughTheUserRegisteredEvent() throws Exception {
        Account erin = gateway.register("erin");
        await("erin's profile")
                .atMost(PROFILE_PROMISE)
                .until(() -> gateway.get("/api/v1/users/" + erin.userId(), ada.accessToken())
                                .status()
                        == 200);
        JsonNode profile = gateway.expect(200, "GET", "/api/v1/users/" + erin.userId(), ada.accessToken(), null);
        assertThat(profile.get("username").asText()).isEqualTo(erin.username());
        assertThat(profile.get("displayName").asText()).isEqualTo("Display " + erin.username());

        try (RedisClient redis =
                RedisClient.create(stack.redisUri().getHost(), stack.redisUri().getPort())) {
            // The entry as the outbox relay wrote it, with every field the consumer reads.
            StreamEntry entry = redis.xrevrange(USER_EVENTS, "+", "-").stream()
                    .filter(e -> erin.userId().equals(e.getFields().get("aggregate-id")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no UserRegistered entry for " + erin.userId()));
            assertThat(entry.getFields())
                    .containsEntry("event-type", "UserRegistered")
                    .containsKey("event-id");
            JsonNode payload = GatewayApi.JSON.readTree(entry.getFields().get("payload"));
            assertThat(payload.get("userId").asText()).isEqualTo(erin.userId());
            assertThat(payload.get("username").asText()).isEqualTo(erin.username());
            assertThat(payload.get("displayName").asText()).isEqualTo("Display " + erin.username());
            assertThat(payload.get("registeredAt").asText()).isNotBlank();

            // At-least-once delivery: the same event again (here with another name) changes nothing.
            ObjectNode replayed = ((ObjectNode) payload.deepCopy()).put("displayName", "Replayed");
            Map<String, String> fields = new HashMap<>(entry.getFields());
            fields.put("payload", GatewayApi.JSON.writeValueAsString(replayed));
            StreamEntryID replayId = redis.xadd(USER_EVENTS, XAddParams.xAddParams(), fields);
            await("the replayed event consumed").atMost(EVENT_TIMEOUT).until(() -> {
                StreamGroupInfo group = redis.xinfoGroups(USER_EVENTS).stream()
                        .filter(g -> g.getName().equals(USER_EVENTS_GROUP))
                        .findFirst()
                        .orElseThrow();
                return group.getLastDeliveredId().compareTo(replayId) >= 0 && group.getPending() == 0;
            });
        }
        assertThat(gateway.expect(200, "GET", "/api/v1/users/" + erin.userId(), ada.accessToken(), null)
                        .get("displayName")
                        .asText())
                .isEqualTo("Display " + erin.username());
    }

    // --- gateway -> feed-service -----------------------------------------------------------------

    @Test
    void gatewayToFeedService() throws Exception {
        JsonNode feed = gateway.expect(200, "GET", "/api/v1/feed?limit=5", ada.accessToken(), null);
        assertThat(feed.get("items").isArray()).isTrue();
        assertThat(feed.has("nextCursor")).isTrue();
        JsonNode trending =
                gateway.expect(200, "GET", "/api/v1/feed/trending?window=WEEK&limit=5", ada.accessToken(), null);
        assertThat(trending.get("items").isArray()).isTrue();
        assertThat(trending.has("computedAt")).isTrue();

        Answer badWindow = gateway.get("/api/v1/feed/trending?window=YEAR", ada.accessToken());
        assertError(badWindow, 400, "INVALID_ARGUMENT", null);
        assertThat(badWindow.violatedFields()).containsExactly("window");
        Answer hugePage = gateway.get("/api/v1/feed?limit=1000", ada.accessToken());
        assertError(hugePage, 400, "INVALID_ARGUMENT", null);
        assertThat(hugePage.violatedFields()).containsExactly("limit");
        Answer forgedCursor = gateway.get("/api/v1/feed?cursor=not-a-cursor", ada.accessToken());
        assertError(forgedCursor, 400, "INVALID_ARGUMENT", null);
        assertThat(forgedCursor.violatedFields()).containsExactly("cursor");
        assertError(gateway.get("/api/v1/feed", null), 401, "UNAUTHENTICATED", "TOKEN_MISSING");
        assertError(
                gateway.get("/api/v1/feed", tampered(ada.accessToken(), bob.userId())), 401, "UNAUTHENTICATED", null);

        // The ranking experiment: running, deterministic per user.
        JsonNode assignment =
                gateway.expect(200, "GET", "/api/v1/experiments/feed-ranking/assignment", ada.accessToken(), null);
        assertThat(assignment.get("experiment").asText()).isEqualTo("feed-ranking");
        assertThat(assignment.get("variant").asText()).isIn("chronological", "engagement");
        assertThat(gateway.expect(200, "GET", "/api/v1/experiments/feed-ranking/assignment", ada.accessToken(), null))
                .as("the same variant again")
                .isEqualTo(assignment);
        assertError(
                gateway.get("/api/v1/experiments/no-such-experiment/assignment", ada.accessToken()),
                404,
                "NOT_FOUND",
                null);
        Answer badKey = gateway.get("/api/v1/experiments/Not_A_Key/assignment", ada.accessToken());
        assertError(badKey, 400, "INVALID_ARGUMENT", null);
        assertThat(badKey.violatedFields()).containsExactly("key");
    }

    // --- gateway -> streaming-service ------------------------------------------------------------

    @Test
    void gatewayToStreamingService() throws Exception {
        Account host = gateway.signUp("host");
        Answer created = gateway.call(
                "POST",
                "/api/v1/streams",
                host.accessToken(),
                Map.of("title", "  contract stream  ", "description", ""));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode stream = created.body();
        String id = stream.get("id").asText();
        assertThat(stream.get("status").asText()).isEqualTo("STARTING");
        assertThat(stream.get("title").asText()).isEqualTo("contract stream");
        assertThat(stream.get("ingestUrl").asText()).endsWith("/live/" + id);
        assertThat(stream.get("streamKey").asText()).isNotBlank();
        assertThat(stream.get("playbackUrl").asText()).endsWith("/hls/" + id + "/index.m3u8");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/streams/" + id);

        JsonNode read = gateway.expect(200, "GET", "/api/v1/streams/" + id, ada.accessToken(), null);
        assertThat(read.get("ownerId").asText()).isEqualTo(host.userId());
        assertThat(read.has("streamKey"))
                .as("the key is the broadcaster's only: %s", read)
                .isFalse();
        assertThat(read.get("endedAt").isNull()).isTrue();
        gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", ada.accessToken(), null);
        assertThat(gateway.expect(200, "GET", "/api/v1/streams/" + id, bob.accessToken(), null)
                        .get("viewerCount")
                        .asLong())
                .isEqualTo(1);
        gateway.expect(204, "POST", "/api/v1/streams/" + id + "/leave", ada.accessToken(), null);

        // Invalid input the service finds (the gateway checks only that ids are UUIDs).
        Answer noTitle = gateway.call("POST", "/api/v1/streams", bob.accessToken(), Map.of("title", "   "));
        assertError(noTitle, 400, "INVALID_ARGUMENT", null);
        assertThat(noTitle.violatedFields()).containsExactly("title");
        Answer notAnId = gateway.call("POST", "/api/v1/streams/not-a-uuid/join", ada.accessToken(), null);
        assertError(notAnId, 400, "INVALID_ARGUMENT", null);
        assertThat(notAnId.violatedFields()).containsExactly("id");
        assertError(gateway.get("/api/v1/streams/" + UUID.randomUUID(), ada.accessToken()), 404, "NOT_FOUND", null);
        assertError(
                gateway.call("POST", "/api/v1/streams", host.accessToken(), Map.of("title", "again")),
                400,
                "FAILED_PRECONDITION",
                "ALREADY_LIVE");
        assertError(
                gateway.call("POST", "/api/v1/streams/" + id + "/end", ada.accessToken(), null),
                403,
                "PERMISSION_DENIED",
                "NOT_OWNER");
        assertError(gateway.get("/api/v1/streams/live", null), 401, "UNAUTHENTICATED", "TOKEN_MISSING");

        gateway.expect(204, "POST", "/api/v1/streams/" + id + "/end", host.accessToken(), null);
        gateway.expect(204, "POST", "/api/v1/streams/" + id + "/end", host.accessToken(), null);
        assertThat(gateway.expect(200, "GET", "/api/v1/streams/" + id, ada.accessToken(), null)
                        .get("status")
                        .asText())
                .isEqualTo("ENDED");
        assertError(
                gateway.call("POST", "/api/v1/streams/" + id + "/join", ada.accessToken(), null),
                400,
                "FAILED_PRECONDITION",
                "STREAM_ENDED");
    }

    // --- streaming-service -> user-service -------------------------------------------------------

    @Test
    void streamingServiceToUserService() throws Exception {
        Account host = gateway.signUp("caster");
        Account blocked = gateway.signUp("troll");
        // What streaming-service's Audience sends: GetMessagingPermissions(owner) with the viewer's token.
        MessagingPermission permission = userService(ada.accessToken())
                .getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                        .addUserIds(host.userId())
                        .build())
                .getPermissions(0);
        assertThat(permission.getFound()).isTrue();
        assertThat(permission.getBlocked()).isFalse();

        // End to end: the broadcaster blocks a viewer; user-service's blocked is the stream not
        // existing for that viewer, through the gateway.
        gateway.expect(204, "PUT", "/api/v1/users/" + blocked.userId() + "/block", host.accessToken(), null);
        assertThat(userService(blocked.accessToken())
                        .getMessagingPermissions(GetMessagingPermissionsRequest.newBuilder()
                                .addUserIds(host.userId())
                                .build())
                        .getPermissions(0)
                        .getBlocked())
                .isTrue();
        String id = gateway.expect(201, "POST", "/api/v1/streams", host.accessToken(), Map.of("title", "no trolls"))
                .get("id")
                .asText();
        try {
            assertError(gateway.get("/api/v1/streams/" + id, blocked.accessToken()), 404, "NOT_FOUND", null);
            assertError(
                    gateway.call("POST", "/api/v1/streams/" + id + "/join", blocked.accessToken(), null),
                    404,
                    "NOT_FOUND",
                    null);
            gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", ada.accessToken(), null);
        } finally {
            gateway.expect(204, "POST", "/api/v1/streams/" + id + "/end", host.accessToken(), null);
        }
    }

    // --- gateway -> search-service ---------------------------------------------------------------

    @Test
    void gatewayToSearchService() throws Exception {
        await("bob in the user index")
                .atMost(EVENT_TIMEOUT)
                .until(() -> ids(gateway.expect(
                                200, "GET", "/api/v1/search/users?q=" + bob.username(), ada.accessToken(), null))
                        .contains(bob.userId()));
        JsonNode found = gateway.expect(
                200, "GET", "/api/v1/search/users?q=" + bob.username().toUpperCase(), ada.accessToken(), null);
        JsonNode profile = found.get("items").get(0);
        assertThat(profile.get("id").asText())
                .as("case ignored, best match first")
                .isEqualTo(bob.userId());
        assertThat(profile.get("username").asText()).isEqualTo(bob.username());
        assertThat(found.has("nextCursor")).isTrue();

        for (String query : List.of("", "%20%20%20", "x".repeat(101), "%26%26%26%7C%7C%7C%21%28%29%3A%2A")) {
            Answer refused = gateway.get("/api/v1/search/posts?q=" + query, ada.accessToken());
            assertError(refused, 400, "INVALID_ARGUMENT", null);
            assertThat(refused.violatedFields()).as("q=%s", query).containsExactly("q");
        }
        Answer badAuthor = gateway.get("/api/v1/search/posts?q=hello&authorId=not-a-uuid", ada.accessToken());
        assertError(badAuthor, 400, "INVALID_ARGUMENT", null);
        assertThat(badAuthor.violatedFields()).containsExactly("authorId");
        Answer hugePage = gateway.get("/api/v1/search/users?q=bob&limit=1000", ada.accessToken());
        assertError(hugePage, 400, "INVALID_ARGUMENT", null);
        assertThat(hugePage.violatedFields()).containsExactly("limit");
        assertError(gateway.get("/api/v1/search/users?q=bob", null), 401, "UNAUTHENTICATED", "TOKEN_MISSING");
    }

    // --- feed-service -> content-service ---------------------------------------------------------

    @Test
    void feedServiceToContentService() throws Exception {
        // What feed-service's hydration sends: GetPosts(page's ids) with the caller's own token;
        // deleted and unknown posts are simply absent, in the order asked.
        String kept = gateway.post(ada, "hydrated");
        String deleted = gateway.post(ada, "deleted before hydration");
        gateway.expect(204, "DELETE", "/api/v1/posts/" + deleted, ada.accessToken(), null);
        ContentServiceGrpc.ContentServiceBlockingStub asBob = contentService(bob.accessToken());
        GetPostsResponse posts = asBob.getPosts(GetPostsRequest.newBuilder()
                .addPostIds(UUID.randomUUID().toString())
                .addPostIds(deleted)
                .addPostIds(kept)
                .build());
        assertThat(posts.getPostsList())
                .extracting(social.nova.contracts.content.v1.Post::getId)
                .containsExactly(kept);

        NovaException invalid = assertRpcError(
                () -> asBob.getPosts(
                        GetPostsRequest.newBuilder().addPostIds("x").build()),
                Status.Code.INVALID_ARGUMENT,
                null);
        assertThat(invalid.violations()).extracting(FieldViolation::field).containsExactly("post_ids");
        assertRpcError(
                () -> contentService(null)
                        .getPosts(GetPostsRequest.newBuilder().addPostIds(kept).build()),
                Status.Code.UNAUTHENTICATED,
                null);
    }

    // --- the read side's journey: events from user- and content-service to feed and search -------

    @Test
    void theReadSideFollowsFromEvents() throws Exception {
        Account author = gateway.signUp("alice");
        Account reader = gateway.signUp("bert");
        String token = reader.accessToken();

        // 1. B follows A.  2. A posts.  3. B's feed shows it.
        gateway.expect(204, "PUT", "/api/v1/users/" + author.userId() + "/follow", token, null);
        long posted = System.nanoTime();
        String postId = gateway.post(author, "Crème brûlée recipe");
        awaitReadSide(
                "the post in B's feed",
                () -> ids(gateway.expect(200, "GET", "/api/v1/feed", token, null)
                                .get("items"))
                        .contains(postId));
        report("post -> follower's feed", posted);
        JsonNode item = gateway.expect(200, "GET", "/api/v1/feed", token, null)
                .get("items")
                .get(0);
        assertThat(item.get("id").asText()).as("newest first").isEqualTo(postId);
        assertThat(item.get("text").asText()).isEqualTo("Crème brûlée recipe");
        assertThat(item.get("authorId").asText()).isEqualTo(author.userId());
        gateway.expect(204, "PUT", "/api/v1/posts/" + postId + "/like", token, null);

        // 4. Found without accents, by the prefix of its last word, highlighted.
        awaitReadSide(
                "the post in search",
                () -> hitIds(searchPosts("creme%20brul", token)).contains(postId));
        report("post -> search", posted);
        JsonNode hit = hitFor(searchPosts("creme%20brul", token), postId);
        assertThat(hit.get("snippet").asText())
                .contains("<mark>")
                .contains("</mark>")
                .hasSizeLessThanOrEqualTo(200);
        assertThat(hit.get("post").get("text").asText()).isEqualTo("Crème brûlée recipe");
        assertThat(hitIds(gateway.expect(
                        200, "GET", "/api/v1/search/posts?q=creme%20brul&authorId=" + reader.userId(), token, null)))
                .as("another author's posts only")
                .doesNotContain(postId);

        // 5. A renames themselves: search finds the new name.
        String newName = "Zephyrine" + shortId();
        long renamed = System.nanoTime();
        gateway.expect(200, "PATCH", "/api/v1/users/me", author.accessToken(), Map.of("displayName", newName));
        awaitReadSide(
                "the new name in search",
                () -> ids(gateway.expect(200, "GET", "/api/v1/search/users?q=" + newName, token, null)
                                .get("items"))
                        .contains(author.userId()));
        report("rename -> search", renamed);

        // Trending (as A) has the liked post once it is recomputed.
        await("the liked post in trending")
                .atMost(EVENT_TIMEOUT)
                .until(() -> trendingIds(author).contains(postId));

        // 6. A blocks B: B no longer sees A in feed or search; A still sees their own post.
        gateway.expect(204, "PUT", "/api/v1/users/" + reader.userId() + "/block", author.accessToken(), null);
        awaitReadSide(
                "A gone from B's feed and search",
                () -> !ids(gateway.expect(200, "GET", "/api/v1/feed", token, null)
                                        .get("items"))
                                .contains(postId)
                        && !hitIds(searchPosts("creme%20brul", token)).contains(postId)
                        && !ids(gateway.expect(200, "GET", "/api/v1/search/users?q=" + newName, token, null)
                                        .get("items"))
                                .contains(author.userId()));
        assertThat(ids(gateway.expect(200, "GET", "/api/v1/feed", author.accessToken(), null)
                        .get("items")))
                .as("A's own feed")
                .contains(postId);

        // 7. A deletes the post: it leaves trending, feed and search.
        gateway.expect(204, "DELETE", "/api/v1/posts/" + postId, author.accessToken(), null);
        awaitReadSide(
                "the deleted post gone everywhere",
                () -> !ids(gateway.expect(200, "GET", "/api/v1/feed", author.accessToken(), null)
                                        .get("items"))
                                .contains(postId)
                        && !hitIds(searchPosts("creme%20brul", author.accessToken()))
                                .contains(postId)
                        && !trendingIds(author).contains(postId));
    }

    // --- one user's journey ----------------------------------------------------------------------

    @Test
    void aUsersJourneyThroughTheGateway() throws Exception {
        Account dave = gateway.register("dave");
        await("dave's profile")
                .atMost(GatewayApi.PROFILE_TIMEOUT)
                .until(() -> gateway.get("/api/v1/users/me", dave.accessToken()).status() == 200);
        String token = dave.accessToken();

        gateway.expect(204, "PUT", "/api/v1/users/" + ada.userId() + "/follow", token, null);
        JsonNode followers =
                gateway.expect(200, "GET", "/api/v1/users/" + ada.userId() + "/followers?limit=100", token, null);
        assertThat(followers.get("items"))
                .extracting(item -> item.get("id").asText())
                .contains(dave.userId());
        assertThat(gateway.expect(200, "GET", "/api/v1/users/me", token, null)
                        .get("following")
                        .asLong())
                .isEqualTo(1);

        String postId = gateway.post(dave, "my first post");
        gateway.expect(204, "PUT", "/api/v1/posts/" + postId + "/like", ada.accessToken(), null);
        JsonNode seenByAuthor = gateway.expect(200, "GET", "/api/v1/posts/" + postId, token, null);
        assertThat(seenByAuthor.get("likes").asLong()).isEqualTo(1);
        assertThat(seenByAuthor.get("likedByMe").asBoolean())
                .as("the author did not like it")
                .isFalse();
        JsonNode posts = gateway.expect(
                200, "GET", "/api/v1/users/" + dave.userId() + "/posts?limit=10", ada.accessToken(), null);
        assertThat(posts.get("items"))
                .extracting(
                        item -> item.get("id").asText(),
                        item -> item.get("likedByMe").asBoolean())
                .as("the liker sees their like")
                .containsExactly(tuple(postId, true));

        String firstRefresh = dave.refreshToken().get();
        JsonNode rotated =
                gateway.expect(200, "POST", "/api/v1/auth/refresh", null, Map.of("refreshToken", firstRefresh));
        String secondRefresh = rotated.get("refreshToken").asText();
        String secondAccess = rotated.get("accessToken").asText();
        assertThat(gateway.get("/api/v1/users/me", secondAccess).status()).isEqualTo(200);

        gateway.expect(204, "POST", "/api/v1/auth/logout", secondAccess, Map.of("refreshToken", secondRefresh));

        // After logout, as the API defines it: the session's refresh tokens are refused, and
        // auth-service's VerifyToken refuses its access tokens (the gateway and services verify
        // access tokens locally, so they accept them until they expire: nova-auth-client's README).
        assertError(
                gateway.call("POST", "/api/v1/auth/refresh", null, Map.of("refreshToken", secondRefresh)),
                401,
                "UNAUTHENTICATED",
                "SESSION_REVOKED");
        Answer old = gateway.call("POST", "/api/v1/auth/refresh", null, Map.of("refreshToken", firstRefresh));
        assertError(old, 401, "UNAUTHENTICATED", null);
        assertThat(old.reason()).isIn("REFRESH_TOKEN_REUSED", "SESSION_REVOKED");
        assertRpcError(
                () -> authService(null)
                        .verifyToken(VerifyTokenRequest.newBuilder()
                                .setAccessToken(secondAccess)
                                .build()),
                Status.Code.UNAUTHENTICATED,
                "SESSION_REVOKED");
    }

    // --- helpers ---------------------------------------------------------------------------------

    /**
     * Waits for a read-side change. The read side promises 2 s from the event (README, and the lag
     * LatencyIT reports); the wait allows a loaded 2-core machine some slack, and the measured time
     * is printed.
     */
    private static void awaitReadSide(String what, java.util.concurrent.Callable<Boolean> condition) {
        await(what).atMost(READ_SIDE_WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
    }

    private static void report(String what, long startedNanos) {
        System.out.printf(
                "read side: %s in %d ms (promised within %d ms)%n",
                what, (System.nanoTime() - startedNanos) / 1_000_000, READ_SIDE_PROMISE.toMillis());
    }

    private static JsonNode searchPosts(String encodedQuery, String token) throws Exception {
        return gateway.expect(200, "GET", "/api/v1/search/posts?q=" + encodedQuery, token, null);
    }

    private static List<String> trendingIds(Account account) throws Exception {
        List<String> ids = new ArrayList<>();
        gateway.expect(200, "GET", "/api/v1/feed/trending?window=HOUR&limit=100", account.accessToken(), null)
                .get("items")
                .forEach(item -> ids.add(item.get("post").get("id").asText()));
        return ids;
    }

    /** The {@code id}s of a list of posts or profiles. */
    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        (items.has("items") ? items.get("items") : items)
                .forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static List<String> hitIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(hit -> ids.add(hit.get("post").get("id").asText()));
        return ids;
    }

    private static JsonNode hitFor(JsonNode page, String postId) {
        for (JsonNode hit : page.get("items")) {
            if (hit.get("post").get("id").asText().equals(postId)) {
                return hit;
            }
        }
        throw new AssertionError("no hit for " + postId + " in " + page);
    }

    /** The error shape every gateway error has, with the status of its code. */
    private static void assertError(Answer answer, int status, String code, String reason) {
        answer.assertError(status, code, reason);
    }

    private static NovaException assertRpcError(Runnable call, Status.Code code, String reason) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(failure).as("expected %s", code).isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.toString()).isEqualTo(code);
        NovaException error = NovaException.from(failure);
        if (reason != null) {
            assertThat(error.reason()).as("reason of %s", failure).hasValue(reason);
        }
        return error;
    }

    private static UserServiceGrpc.UserServiceBlockingStub userService(String accessToken) {
        return stub(stack.instances("user-service").getFirst(), accessToken, UserServiceGrpc::newBlockingStub)
                .withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static ContentServiceGrpc.ContentServiceBlockingStub contentService(String accessToken) {
        return stub(stack.instances("content-service").getFirst(), accessToken, ContentServiceGrpc::newBlockingStub)
                .withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static AuthServiceGrpc.AuthServiceBlockingStub authService(String accessToken) {
        return stub(stack.instances("auth-service").getFirst(), accessToken, AuthServiceGrpc::newBlockingStub)
                .withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** A stub straight to one instance (its published port), with {@code authorization: Bearer <token>} if given. */
    private static <S> S stub(ServiceInstance instance, String accessToken, Function<Channel, S> factory) {
        ManagedChannel channel = Grpc.newChannelBuilder(instance.hostTarget(), InsecureChannelCredentials.create())
                .build();
        synchronized (CHANNELS) {
            CHANNELS.add(channel);
        }
        if (accessToken == null) {
            return factory.apply(channel);
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + accessToken);
        return factory.apply(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    /** Part {@code index} (0 header, 1 claims) of a JWT. */
    private static JsonNode jwtPart(String jwt, int index) throws Exception {
        return GatewayApi.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    /** The token with its subject changed and its signature kept: no longer what auth-service signed. */
    private static String tampered(String jwt, String subject) throws Exception {
        String[] parts = jwt.split("\\.");
        ObjectNode claims = (ObjectNode) jwtPart(jwt, 1);
        claims.put("sub", subject);
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(GatewayApi.JSON.writeValueAsString(claims).getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }

    private static int profileRows(String userId) throws Exception {
        try (Connection db = superuser();
                PreparedStatement select =
                        db.prepareStatement("SELECT count(*) FROM users.profiles WHERE id = ?::uuid")) {
            select.setString(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** A user whose profile is gone (user-service has no RPC for that: the test plays the operator). */
    private static void deleteProfile(String userId) throws Exception {
        try (Connection db = superuser();
                PreparedStatement delete = db.prepareStatement("DELETE FROM users.profiles WHERE id = ?::uuid")) {
            delete.setString(1, userId);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
    }

    private static Connection superuser() throws Exception {
        return DriverManager.getConnection(
                stack.jdbcUrl(), PlatformContainers.SUPERUSER, PlatformContainers.SUPERUSER_PASSWORD);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }
}
