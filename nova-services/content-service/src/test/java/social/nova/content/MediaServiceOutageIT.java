package social.nova.content;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.content.v1.CreatePostRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorRequest;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.GrpcErrors;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no healthy media-service, content-service cannot confirm media: CreatePost with media is
 * UNAVAILABLE (not INTERNAL) and stores nothing, while a text-only post, which needs no media, is
 * still written. The outage is a Consul agent of the test's own that knows auth- and user-service
 * (stubs) but no media-service, so the shared platform stays intact.
 */
class MediaServiceOutageIT {

    @Test
    void createPostWithMediaIsUnavailableWhileMediaServiceIsDownAndStoresNothing() throws Exception {
        try (ConsulContainer consul = SharedContainers.newConsul()) {
            consul.start();
            try (StubbedAuthService auth = StubbedAuthService.start(Platform.CONSUMER, consul);
                    RegisteredStub users = RegisteredStub.start(
                            "user-service", UserServiceGrpc.getServiceDescriptor(), Platform.CONSUMER, consul)) {
                ConsulHealth.awaitPassing(consul, Platform.STARTUP, "auth-service", "user-service");
                RunningService content = Platform.startContentWith(consul);
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", content.port())
                        .usePlaintext()
                        .build();
                try {
                    String id = UUID.randomUUID().toString();
                    Platform.User author =
                            new Platform.User(id, "m_" + id.replace("-", "").substring(0, 20), auth.accessToken(id));
                    Platform.stubProfile(users, author);
                    var client = Platform.contentAs(channel, author);

                    NovaException error = GrpcErrors.failure(() -> client.createPost(CreatePostRequest.newBuilder()
                            .setText("a picture during the outage")
                            .addMediaIds(UUID.randomUUID().toString())
                            .build()));
                    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(error.getMessage()).contains("media-service");
                    assertThat(client.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                                            .setAuthorId(author.id())
                                            .build())
                                    .getPostsList())
                            .isEmpty();

                    Post textOnly = client.createPost(CreatePostRequest.newBuilder()
                                    .setText("words still work")
                                    .build())
                            .getPost();
                    assertThat(textOnly.getMediaIdsList()).isEmpty();
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                    content.stop();
                }
            }
        }
    }
}
