package social.nova.user;

import java.util.List;
import java.util.UUID;

import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.user.v1.BlockRequest;
import social.nova.contracts.user.v1.BlockResponse;
import social.nova.contracts.user.v1.FollowRequest;
import social.nova.contracts.user.v1.FollowResponse;
import social.nova.contracts.user.v1.GetMessagingPermissionsRequest;
import social.nova.contracts.user.v1.GetMessagingPermissionsResponse;
import social.nova.contracts.user.v1.GetNotificationSettingsRequest;
import social.nova.contracts.user.v1.GetNotificationSettingsResponse;
import social.nova.contracts.user.v1.GetPreferencesRequest;
import social.nova.contracts.user.v1.GetPreferencesResponse;
import social.nova.contracts.user.v1.GetUserByUsernameRequest;
import social.nova.contracts.user.v1.GetUserByUsernameResponse;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.GetUsersRequest;
import social.nova.contracts.user.v1.GetUsersResponse;
import social.nova.contracts.user.v1.ListFollowersRequest;
import social.nova.contracts.user.v1.ListFollowersResponse;
import social.nova.contracts.user.v1.ListFollowingRequest;
import social.nova.contracts.user.v1.ListFollowingResponse;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.NotificationSetting;
import social.nova.contracts.user.v1.UnblockRequest;
import social.nova.contracts.user.v1.UnblockResponse;
import social.nova.contracts.user.v1.UnfollowRequest;
import social.nova.contracts.user.v1.UnfollowResponse;
import social.nova.contracts.user.v1.UpdatePreferencesRequest;
import social.nova.contracts.user.v1.UpdatePreferencesResponse;
import social.nova.contracts.user.v1.UpdateProfileRequest;
import social.nova.contracts.user.v1.UpdateProfileResponse;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of user-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in the domain ({@link Profiles}, {@link SocialGraph},
 * {@link UserPreferences}); the kit maps thrown errors to statuses.
 */
final class UserEndpoint extends UserServiceGrpc.UserServiceImplBase {
    private final Profiles profiles;
    private final SocialGraph graph;
    private final UserPreferences preferences;

    UserEndpoint(Profiles profiles, SocialGraph graph, UserPreferences preferences) {
        this.profiles = profiles;
        this.graph = graph;
        this.preferences = preferences;
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
        reply(
                response,
                GetUserResponse.newBuilder()
                        .setProfile(profile(profiles.get(callerId(), request.getUserId())))
                        .build());
    }

    @Override
    public void getUsers(GetUsersRequest request, StreamObserver<GetUsersResponse> response) {
        reply(
                response,
                GetUsersResponse.newBuilder()
                        .addAllProfiles(profiles(profiles.getMany(callerId(), request.getUserIdsList())))
                        .build());
    }

    @Override
    public void getUserByUsername(
            GetUserByUsernameRequest request, StreamObserver<GetUserByUsernameResponse> response) {
        reply(
                response,
                GetUserByUsernameResponse.newBuilder()
                        .setProfile(profile(profiles.byUsername(callerId(), request.getUsername())))
                        .build());
    }

    @Override
    public void updateProfile(UpdateProfileRequest request, StreamObserver<UpdateProfileResponse> response) {
        ProfileView updated = profiles.update(
                callerId(),
                request.hasDisplayName() ? request.getDisplayName() : null,
                request.hasBio() ? request.getBio() : null);
        reply(
                response,
                UpdateProfileResponse.newBuilder().setProfile(profile(updated)).build());
    }

    @Override
    public void follow(FollowRequest request, StreamObserver<FollowResponse> response) {
        reply(
                response,
                FollowResponse.newBuilder()
                        .setProfile(profile(graph.follow(callerId(), request.getUserId())))
                        .build());
    }

    @Override
    public void unfollow(UnfollowRequest request, StreamObserver<UnfollowResponse> response) {
        graph.unfollow(callerId(), request.getUserId());
        reply(response, UnfollowResponse.getDefaultInstance());
    }

    @Override
    public void block(BlockRequest request, StreamObserver<BlockResponse> response) {
        graph.block(callerId(), request.getUserId());
        reply(response, BlockResponse.getDefaultInstance());
    }

    @Override
    public void unblock(UnblockRequest request, StreamObserver<UnblockResponse> response) {
        graph.unblock(callerId(), request.getUserId());
        reply(response, UnblockResponse.getDefaultInstance());
    }

    @Override
    public void listFollowers(ListFollowersRequest request, StreamObserver<ListFollowersResponse> response) {
        SocialGraph.Connections page = graph.followers(
                callerId(),
                request.getUserId(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                ListFollowersResponse.newBuilder()
                        .addAllProfiles(profiles(page.profiles()))
                        .setPage(page(page.nextCursor()))
                        .setTotalCount(page.totalCount())
                        .build());
    }

    @Override
    public void listFollowing(ListFollowingRequest request, StreamObserver<ListFollowingResponse> response) {
        SocialGraph.Connections page = graph.following(
                callerId(),
                request.getUserId(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                ListFollowingResponse.newBuilder()
                        .addAllProfiles(profiles(page.profiles()))
                        .setPage(page(page.nextCursor()))
                        .setTotalCount(page.totalCount())
                        .build());
    }

    @Override
    public void getPreferences(GetPreferencesRequest request, StreamObserver<GetPreferencesResponse> response) {
        reply(
                response,
                GetPreferencesResponse.newBuilder()
                        .setPreferences(preferences(preferences.get(callerId())))
                        .build());
    }

    @Override
    public void updatePreferences(
            UpdatePreferencesRequest request, StreamObserver<UpdatePreferencesResponse> response) {
        var proposed = request.getPreferences();
        Preferences updated = preferences.update(
                callerId(),
                new UserPreferences.Change(
                        request.getUpdateMask().getPathsList(),
                        proposed.getLanguage(),
                        proposed.getTimezone(),
                        proposed.getNotifyOnFollow(),
                        proposed.getNotifyOnLike(),
                        proposed.getNotifyOnMessage(),
                        proposed.getAllowMessagesFromValue()));
        reply(
                response,
                UpdatePreferencesResponse.newBuilder()
                        .setPreferences(preferences(updated))
                        .build());
    }

    @Override
    public void getMessagingPermissions(
            GetMessagingPermissionsRequest request, StreamObserver<GetMessagingPermissionsResponse> response) {
        List<MessagingPermission> permissions =
                graph.messagingPermissions(callerId(), request.getUserIdsList()).stream()
                        .map(permission -> MessagingPermission.newBuilder()
                                .setUserId(permission.userId().toString())
                                .setFound(permission.found())
                                .setBlocked(permission.blocked())
                                .setAcceptsNewConversation(permission.acceptsNewConversation())
                                .build())
                        .toList();
        reply(
                response,
                GetMessagingPermissionsResponse.newBuilder()
                        .addAllPermissions(permissions)
                        .build());
    }

    @Override
    public void getNotificationSettings(
            GetNotificationSettingsRequest request, StreamObserver<GetNotificationSettingsResponse> response) {
        List<NotificationSetting> settings = preferences.notificationSettings(request.getUserIdsList()).stream()
                .map(setting -> NotificationSetting.newBuilder()
                        .setUserId(setting.userId().toString())
                        .setFound(setting.found())
                        .setNotifyOnFollow(setting.onFollow())
                        .setNotifyOnLike(setting.onLike())
                        .setNotifyOnMessage(setting.onMessage())
                        .build())
                .toList();
        reply(
                response,
                GetNotificationSettingsResponse.newBuilder()
                        .addAllSettings(settings)
                        .build());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }

    private static social.nova.contracts.user.v1.Profile profile(ProfileView view) {
        Profile profile = view.profile();
        return social.nova.contracts.user.v1.Profile.newBuilder()
                .setId(profile.id().toString())
                .setUsername(profile.username())
                .setDisplayName(profile.displayName())
                .setBio(profile.bio())
                .setFollowerCount(profile.followerCount())
                .setFollowingCount(profile.followingCount())
                .setCreatedAt(timestamp(profile.createdAt()))
                .setFollowedByCaller(view.followedByCaller())
                .setEmailVerified(profile.emailVerified())
                .build();
    }

    private static List<social.nova.contracts.user.v1.Profile> profiles(List<ProfileView> views) {
        return views.stream().map(UserEndpoint::profile).toList();
    }

    private static PageResponse page(String nextCursor) {
        return PageResponse.newBuilder()
                .setNextCursor(nextCursor == null ? "" : nextCursor)
                .build();
    }

    private static social.nova.contracts.user.v1.Preferences preferences(Preferences values) {
        return social.nova.contracts.user.v1.Preferences.newBuilder()
                .setLanguage(values.language())
                .setTimezone(values.timezone())
                .setNotifyOnFollow(values.notifyOnFollow())
                .setNotifyOnLike(values.notifyOnLike())
                .setNotifyOnMessage(values.notifyOnMessage())
                .setAllowMessagesFromValue(values.allowMessagesFrom().number())
                .build();
    }
}
