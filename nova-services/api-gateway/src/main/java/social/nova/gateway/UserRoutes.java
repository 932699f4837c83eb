package social.nova.gateway;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.user.v1.BlockRequest;
import social.nova.contracts.user.v1.FollowRequest;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.ListFollowersRequest;
import social.nova.contracts.user.v1.ListFollowersResponse;
import social.nova.contracts.user.v1.ListFollowingRequest;
import social.nova.contracts.user.v1.ListFollowingResponse;
import social.nova.contracts.user.v1.UnblockRequest;
import social.nova.contracts.user.v1.UnfollowRequest;
import social.nova.contracts.user.v1.UpdateProfileRequest;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.page;
import static social.nova.gateway.RequestParams.uuid;

/** {@code /api/v1/users}: profiles and the social graph, on user-service. Every route needs a signed-in user. */
final class UserRoutes implements HttpService {
    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    /** {@code PATCH /me}: the fields present change, the others keep their value. */
    record ProfileChange(String displayName, String bio) {}

    UserRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        // "/me" first: it would otherwise be read as an id (and refused as not a UUID).
        rules.get("/me", authentication.required(this::me))
                .patch("/me", authentication.required(this::updateMe))
                .get("/{id}", authentication.required(this::user))
                .put("/{id}/follow", authentication.required(this::follow))
                .delete("/{id}/follow", authentication.required(this::unfollow))
                .put("/{id}/block", authentication.required(this::block))
                .delete("/{id}/block", authentication.required(this::unblock))
                .get("/{id}/followers", authentication.required(this::followers))
                .get("/{id}/following", authentication.required(this::following));
    }

    private void me(ServerRequest request, ServerResponse response, Caller caller) {
        sendProfile(response, caller.userId());
    }

    private void updateMe(ServerRequest request, ServerResponse response, Caller caller) {
        ProfileChange change = json.read(request, ProfileChange.class);
        UpdateProfileRequest.Builder update = UpdateProfileRequest.newBuilder();
        if (change.displayName() != null) {
            update.setDisplayName(change.displayName());
        }
        if (change.bio() != null) {
            update.setBio(change.bio());
        }
        json.send(
                response,
                Views.ProfileView.of(
                        backends.users().updateProfile(update.build()).getProfile()));
    }

    private void user(ServerRequest request, ServerResponse response, Caller caller) {
        sendProfile(response, uuid(request, ID));
    }

    private void follow(ServerRequest request, ServerResponse response, Caller caller) {
        backends.users()
                .follow(FollowRequest.newBuilder().setUserId(uuid(request, ID)).build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void unfollow(ServerRequest request, ServerResponse response, Caller caller) {
        backends.users()
                .unfollow(UnfollowRequest.newBuilder()
                        .setUserId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void block(ServerRequest request, ServerResponse response, Caller caller) {
        backends.users()
                .block(BlockRequest.newBuilder().setUserId(uuid(request, ID)).build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void unblock(ServerRequest request, ServerResponse response, Caller caller) {
        backends.users()
                .unblock(
                        UnblockRequest.newBuilder().setUserId(uuid(request, ID)).build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void followers(ServerRequest request, ServerResponse response, Caller caller) {
        ListFollowersResponse page = backends.users()
                .listFollowers(ListFollowersRequest.newBuilder()
                        .setUserId(uuid(request, ID))
                        .setPage(page(request))
                        .build());
        json.send(response, Views.ProfileView.page(page.getProfilesList(), page.getPage()));
    }

    private void following(ServerRequest request, ServerResponse response, Caller caller) {
        ListFollowingResponse page = backends.users()
                .listFollowing(ListFollowingRequest.newBuilder()
                        .setUserId(uuid(request, ID))
                        .setPage(page(request))
                        .build());
        json.send(response, Views.ProfileView.page(page.getProfilesList(), page.getPage()));
    }

    private void sendProfile(ServerResponse response, String userId) {
        json.send(
                response,
                Views.ProfileView.of(backends.users()
                        .getUser(GetUserRequest.newBuilder().setUserId(userId).build())
                        .getProfile()));
    }
}
