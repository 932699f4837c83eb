package social.nova.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.CreatePostResponse;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.FeedItem;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.contracts.search.v1.SearchUsersResponse;
import social.nova.contracts.search.v1.UserHit;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.GetUsersResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.contracttesting.ProviderState;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway in front of registered stub servers of every service it calls (nova-service-testing),
 * in a Consul agent of the test's own: one route of each service, asserting the HTTP answer the
 * gateway makes of the stubbed gRPC answer. The stubs exercised are the gateway's consumer
 * contracts with auth-, user-, content-, feed- and search-service ({@code target/nova-contracts}),
 * which nova-harness replays against the real services.
 */
class GatewayContractsIT {
    private static final String CONSUMER = "api-gateway";
    // Example values: the contracts name them as placeholders the provider states fill.
    private static final String USER_ID = "7a1c0f2e-3b4d-4c5e-8f60-718293a4b5c6";
    private static final String USERNAME = "contract_reader_7a1c";
    private static final String EMAIL = "contract-reader-7a1c@example.com";
    private static final String PASSWORD = "contract horse battery 7a1c";
    private static final String POST_ID = "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";

    private static ConsulContainer consul;
    private static GatewayFixture fixture;
    private static StubbedAuthService auth;
    private static RegisteredStub users;
    private static RegisteredStub content;
    private static RegisteredStub feed;
    private static RegisteredStub search;
    private static GatewayClient client;
    private static String token;

    @BeforeAll
    static void startTheGatewayInFrontOfStubs() {
        consul = SharedContainers.newConsul();
        consul.start();
        fixture = new GatewayFixture(consul, CONSUMER);
        auth = fixture.auth;
        users = fixture.users;
        content = fixture.content;
        feed = fixture.feed;
        search = fixture.search;
        client = fixture.client;
        token = auth.accessToken(USER_ID);
    }

    @AfterAll
    static void stop() {
        // Closing the stubs writes the contracts and fails if a call matched no stub.
        try {
            fixture.close();
        } finally {
            consul.stop();
        }
    }

    @Test
    void signingInAnswersTheTokensAuthServiceIssued() {
        auth.stub()
                .stubs()
                .stub(AuthServiceGrpc.getLoginMethod())
                .given(ProviderState.of("a user with a password")
                        .with("email", EMAIL)
                        .with("password", PASSWORD))
                .whenField("email", EMAIL)
                .whenField("password", PASSWORD)
                .describedAs("signs in with email and password")
                .willReturn(LoginResponse.newBuilder()
                        .setUserId(USER_ID)
                        .setTokens(TokenPair.newBuilder()
                                .setAccessToken("an.access.token")
                                .setRefreshToken("a-refresh-token")
                                .setExpiresInSeconds(900)
                                .setTokenType("Bearer"))
                        .build());
        auth.stub()
                .stubs()
                .stub(AuthServiceGrpc.getLoginMethod())
                .given(ProviderState.of("a user with a password").with("email", EMAIL))
                .whenField("email", EMAIL)
                .when("a wrong password", request -> !request.getPassword().equals(PASSWORD))
                .describedAs("a wrong password is UNAUTHENTICATED INVALID_CREDENTIALS")
                .willFail(NovaException.builder(ErrorCode.UNAUTHENTICATED, "email or password is wrong")
                        .reason("INVALID_CREDENTIALS")
                        .domain("auth.nova.social")
                        .build());

        GatewayClient.Answer signedIn =
                client.post("/api/v1/auth/login", Map.of("email", EMAIL, "password", PASSWORD), null);
        assertThat(signedIn.status()).isEqualTo(200);
        assertThat(signedIn.json().path("accessToken").asText()).isEqualTo("an.access.token");
        assertThat(signedIn.json().path("refreshToken").asText()).isEqualTo("a-refresh-token");
        assertThat(signedIn.json().path("expiresIn").asLong()).isEqualTo(900);

        GatewayClient.Answer refused =
                client.post("/api/v1/auth/login", Map.of("email", EMAIL, "password", "not the password at all"), null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void meIsTheCallersProfileFromUserService() {
        users.stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .given(ProviderState.of("a user exists")
                        .with("userId", USER_ID)
                        .with("username", USERNAME)
                        .with("accessToken", token))
                .whenField("user_id", USER_ID)
                .describedAs("reads the caller's profile")
                .willReturn(GetUserResponse.newBuilder().setProfile(profile()).build());

        GatewayClient.Answer me = client.get("/api/v1/users/me", token);

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("id").asText()).isEqualTo(USER_ID);
        assertThat(me.json().path("username").asText()).isEqualTo(USERNAME);
    }

    @Test
    void postingAndReadingAPostGoToContentService() {
        content.stubs()
                .stub(ContentServiceGrpc.getCreatePostMethod())
                .given(ProviderState.of("a user exists").with("userId", USER_ID).with("accessToken", token))
                .whenField("text", "hello from a consumer contract")
                .describedAs("creates a post for the caller")
                .willReturn(CreatePostResponse.newBuilder()
                        .setPost(post("hello from a consumer contract"))
                        .build());
        content.stubs()
                .stub(ContentServiceGrpc.getGetPostMethod())
                .given(ProviderState.of("a post by the caller")
                        .with("postId", POST_ID)
                        .with("userId", USER_ID)
                        .with("accessToken", token))
                .whenField("post_id", POST_ID)
                .describedAs("reads a post")
                .willReturn(GetPostResponse.newBuilder()
                        .setPost(post("a post for a consumer contract"))
                        .build());

        GatewayClient.Answer created =
                client.post("/api/v1/posts", Map.of("text", "hello from a consumer contract"), token);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/posts/" + POST_ID);
        assertThat(created.json().path("authorId").asText()).isEqualTo(USER_ID);

        GatewayClient.Answer read = client.get("/api/v1/posts/" + POST_ID, token);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("id").asText()).isEqualTo(POST_ID);
        assertThat(read.json().path("likes").asLong()).isEqualTo(2);
    }

    @Test
    void theFeedIsFeedServicesHydratedPosts() {
        feed.stubs()
                .stub(FeedServiceGrpc.getGetFeedMethod())
                .given(ProviderState.of("a post in the caller's feed")
                        .with("postId", POST_ID)
                        .with("userId", USER_ID)
                        .with("accessToken", token))
                .describedAs("reads the caller's feed")
                .willReturn(GetFeedResponse.newBuilder()
                        .addItems(FeedItem.newBuilder().setPost(post("a post for a consumer contract")))
                        .build());

        GatewayClient.Answer page = client.get("/api/v1/feed", token);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().path("items").get(0).path("id").asText()).isEqualTo(POST_ID);
    }

    @Test
    void searchingUsersAsksSearchServiceThenUserServiceForTheProfiles() {
        search.stubs()
                .stub(SearchServiceGrpc.getSearchUsersMethod())
                .given(ProviderState.of("a searchable user")
                        .with("userId", USER_ID)
                        .with("username", USERNAME)
                        .with("accessToken", token))
                .whenField("query", USERNAME)
                .describedAs("finds a user by username")
                .willReturn(SearchUsersResponse.newBuilder()
                        .addHits(UserHit.newBuilder().setUserId(USER_ID))
                        .build());
        users.stubs()
                .stub(UserServiceGrpc.getGetUsersMethod())
                .given(ProviderState.of("a user exists")
                        .with("userId", USER_ID)
                        .with("username", USERNAME)
                        .with("accessToken", token))
                .whenField("user_ids", List.of(USER_ID))
                .describedAs("reads the profiles of the users found")
                .willReturn(GetUsersResponse.newBuilder().addProfiles(profile()).build());

        GatewayClient.Answer found = client.get("/api/v1/search/users?q=" + USERNAME, token);

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("items").get(0).path("id").asText()).isEqualTo(USER_ID);
        assertThat(found.json().path("items").get(0).path("username").asText()).isEqualTo(USERNAME);
    }

    private static Profile profile() {
        return Profile.newBuilder()
                .setId(USER_ID)
                .setUsername(USERNAME)
                .setDisplayName("Contract Reader")
                .build();
    }

    private static Post post(String text) {
        Instant now = Instant.now();
        return Post.newBuilder()
                .setId(POST_ID)
                .setAuthorId(USER_ID)
                .setText(text)
                .setLikeCount(2)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                .build();
    }
}
