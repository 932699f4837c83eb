package social.nova.gateway;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.user.v1.BlockResponse;
import social.nova.contracts.user.v1.FollowResponse;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.ListFollowersResponse;
import social.nova.contracts.user.v1.ListFollowingResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UnfollowResponse;
import social.nova.contracts.user.v1.UpdateProfileResponse;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profiles and the social graph through the gateway, in front of a user-service stub: the profile
 * JSON, each route's call (ids from the path, paging passed through, the caller's token) and
 * user-service's refusals mapped to HTTP.
 */
class GatewayUsersIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void meIsTheCallersProfileAsJson() {
        GatewayFixture.Caller caller = fixture.signIn();
        Instant created = Instant.parse("2026-11-30T09:15:00Z");
        fixture.users
                .stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .whenField("user_id", caller.userId())
                .whenHeader("authorization", caller.bearer())
                .willReturn(GetUserResponse.newBuilder()
                        .setProfile(profile(caller.userId(), "ada").toBuilder()
                                .setFollowerCount(3)
                                .setFollowingCount(1)
                                .setCreatedAt(Timestamp.newBuilder().setSeconds(created.getEpochSecond())))
                        .build());

        JsonNode me = client.get("/api/v1/users/me", caller.accessToken()).json();

        assertThat(me.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly(
                        "id", "username", "displayName", "bio", "followers", "following", "createdAt", "emailVerified");
        assertThat(me.path("id").asText()).isEqualTo(caller.userId());
        assertThat(me.path("username").asText()).isEqualTo("ada");
        assertThat(me.path("displayName").asText()).isEqualTo("Ada");
        assertThat(me.path("bio").asText()).isEmpty();
        assertThat(me.path("followers").asLong()).isEqualTo(3);
        assertThat(me.path("following").asLong()).isEqualTo(1);
        assertThat(me.path("createdAt").asText()).isEqualTo("2026-11-30T09:15:00Z");
    }

    @Test
    void theCallerChangesTheirProfileFieldByField() {
        GatewayFixture.Caller caller = fixture.signIn();
        var users = fixture.users.stubs();
        users.stub(UserServiceGrpc.getUpdateProfileMethod())
                .whenHeader("authorization", caller.bearer())
                .when("only the bio, set", request -> request.hasBio() && !request.hasDisplayName())
                .willAnswer(request -> UpdateProfileResponse.newBuilder()
                        .setProfile(profile(caller.userId(), "ada").toBuilder().setBio(request.getBio()))
                        .build());
        users.stub(UserServiceGrpc.getUpdateProfileMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("display_name", " ")
                .willFail(NovaException.invalidArgument(FieldViolation.of("display_name", "must be 1..50 characters")));

        var changed = client.send(
                "PATCH", "/api/v1/users/me", Map.of("bio", "Writes about engines."), caller.accessToken(), Map.of());
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("bio").asText()).isEqualTo("Writes about engines.");
        assertThat(changed.json().path("displayName").asText()).isEqualTo("Ada");

        var invalid =
                client.send("PATCH", "/api/v1/users/me", Map.of("displayName", " "), caller.accessToken(), Map.of());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("error").path("details").findValuesAsText("field"))
                .containsExactly("displayName");

        var unknown = client.send("PATCH", "/api/v1/users/me", Map.of("avatar", "x"), caller.accessToken(), Map.of());
        assertThat(unknown.status()).as("refused at the gateway").isEqualTo(400);
        assertThat(users.calls(UserServiceGrpc.getUpdateProfileMethod()))
                .filteredOn(call -> call.metadata().get("authorization").equals(caller.bearer()))
                .hasSize(2);
    }

    @Test
    void followAndUnfollowCallUserServiceForThePathsUserAndListsArePaged() {
        GatewayFixture.Caller caller = fixture.signIn();
        String star = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String first = UUID.randomUUID().toString();
        var users = fixture.users.stubs();
        users.stub(UserServiceGrpc.getFollowMethod())
                .whenField("user_id", star)
                .whenHeader("authorization", caller.bearer())
                .willReturn(FollowResponse.newBuilder()
                        .setProfile(profile(star, "star"))
                        .build());
        users.stub(UserServiceGrpc.getUnfollowMethod())
                .whenField("user_id", star)
                .whenHeader("authorization", caller.bearer())
                .willReturn(UnfollowResponse.getDefaultInstance());
        users.stub(UserServiceGrpc.getListFollowersMethod())
                .whenField("user_id", star)
                .whenField("page.limit", 1)
                .whenField("page.cursor", "")
                .willReturn(ListFollowersResponse.newBuilder()
                        .addProfiles(profile(second, "second"))
                        .setTotalCount(2)
                        .setPage(PageResponse.newBuilder().setNextCursor("next-1"))
                        .build());
        users.stub(UserServiceGrpc.getListFollowersMethod())
                .whenField("user_id", star)
                .whenField("page.limit", 1)
                .whenField("page.cursor", "next-1")
                .willReturn(ListFollowersResponse.newBuilder()
                        .addProfiles(profile(first, "first"))
                        .setTotalCount(2)
                        .build());
        users.stub(UserServiceGrpc.getListFollowersMethod())
                .whenField("user_id", star)
                .whenField("page.cursor", "forged")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("page.cursor", "is not a cursor of this list")));
        users.stub(UserServiceGrpc.getListFollowingMethod())
                .whenField("user_id", caller.userId())
                .willReturn(ListFollowingResponse.newBuilder()
                        .addProfiles(profile(star, "star"))
                        .setTotalCount(1)
                        .build());
        String starPath = "/api/v1/users/" + star;

        assertThat(client.send("PUT", starPath + "/follow", null, caller.accessToken(), Map.of())
                        .status())
                .isEqualTo(204);
        assertThat(client.send("DELETE", starPath + "/follow", null, caller.accessToken(), Map.of())
                        .status())
                .isEqualTo(204);

        var page1 = client.get(starPath + "/followers?limit=1", caller.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().path("items").findValuesAsText("id")).containsExactly(second);
        assertThat(page1.json().path("nextCursor").asText()).isEqualTo("next-1");
        var page2 = client.get(starPath + "/followers?limit=1&cursor=next-1", caller.accessToken());
        assertThat(page2.json().path("items").findValuesAsText("id")).containsExactly(first);
        assertThat(page2.json().path("nextCursor").isNull()).isTrue();
        var following = client.get("/api/v1/users/" + caller.userId() + "/following", caller.accessToken());
        assertThat(following.json().path("items").findValuesAsText("username")).containsExactly("star");

        var badCursor = client.get(starPath + "/followers?cursor=forged", caller.accessToken());
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.json().path("error").path("details").findValuesAsText("field"))
                .as("the page's cursor is the query parameter 'cursor'")
                .containsExactly("cursor");
    }

    @Test
    void blockingAnswers204AndARefusedFollowIsA400() {
        GatewayFixture.Caller blocker = fixture.signIn();
        GatewayFixture.Caller other = fixture.signIn();
        var users = fixture.users.stubs();
        users.stub(UserServiceGrpc.getBlockMethod())
                .whenField("user_id", other.userId())
                .whenHeader("authorization", blocker.bearer())
                .willReturn(BlockResponse.getDefaultInstance());
        users.stub(UserServiceGrpc.getFollowMethod())
                .whenField("user_id", blocker.userId())
                .whenHeader("authorization", other.bearer())
                .willFail(NovaException.builder(ErrorCode.FAILED_PRECONDITION, "you cannot follow this user")
                        .reason("BLOCKED")
                        .domain("user.nova.social")
                        .build());

        assertThat(client.send(
                                "PUT",
                                "/api/v1/users/" + other.userId() + "/block",
                                null,
                                blocker.accessToken(),
                                Map.of())
                        .status())
                .isEqualTo(204);
        var refused = client.send(
                "PUT", "/api/v1/users/" + blocker.userId() + "/follow", null, other.accessToken(), Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
    }

    @Test
    void anUnknownUserIsA404() {
        GatewayFixture.Caller caller = fixture.signIn();
        String unknown = UUID.randomUUID().toString();
        fixture.users
                .stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .whenField("user_id", unknown)
                .willFail(NovaException.notFound("user", unknown));

        var answer = client.get("/api/v1/users/" + unknown, caller.accessToken());

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("NOT_FOUND");
    }

    private static Profile profile(String id, String username) {
        return Profile.newBuilder()
                .setId(id)
                .setUsername(username)
                .setDisplayName(Character.toUpperCase(username.charAt(0)) + username.substring(1))
                .build();
    }
}
