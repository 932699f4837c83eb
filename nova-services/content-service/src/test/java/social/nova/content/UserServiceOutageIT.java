package social.nova.content;

import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.content.v1.CreatePostRequest;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.Post;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.GrpcErrors;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no healthy user-service, content-service cannot confirm authors: CreatePost is
 * UNAVAILABLE (not INTERNAL), while reads, which need no other service, keep working. The outage
 * is made with a Consul agent of the test's own that knows an auth-service (a stub with keys of its
 * own, which signs the author's token there) but no user-service, so the shared platform stays intact.
 */
class UserServiceOutageIT {

    @Test
    void createPostIsUnavailableWhileUserServiceIsDownAndReadsStillWork() throws Exception {
        Platform platform = Platform.shared();
        Platform.User author = platform.registerWithProfile();
        Post existing = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder().setText("before").build())
                .getPost();

        try (ConsulContainer consul = SharedContainers.newConsul()) {
            consul.start();
            try (StubbedAuthService auth = StubbedAuthService.start(Platform.CONSUMER, consul)) {
                ConsulHealth.awaitPassing(consul, Platform.STARTUP, "auth-service");
                RunningService content = Platform.startContentWith(consul);
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", content.port())
                        .usePlaintext()
                        .build();
                try {
                    Platform.User sameAuthor =
                            new Platform.User(author.id(), author.username(), auth.accessToken(author.id()));
                    var client = Platform.contentAs(channel, sameAuthor);

                    NovaException error = GrpcErrors.failure(() -> client.createPost(CreatePostRequest.newBuilder()
                            .setText("during the outage")
                            .build()));
                    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(error.getMessage()).contains("user-service");

                    assertThat(client.getPost(GetPostRequest.newBuilder()
                                            .setPostId(existing.getId())
                                            .build())
                                    .getPost())
                            .isEqualTo(existing);
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                    content.stop();
                }
            }
        }
    }
}
