package social.nova.feed;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.GetExperimentAssignmentRequest;
import social.nova.contracts.feed.v1.GetFeedRequest;
import social.nova.contracts.feed.v1.ListExperimentsRequest;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.GrpcErrors;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With no healthy content-service, feed-service cannot hydrate posts: GetFeed is UNAVAILABLE
 * naming content-service (not INTERNAL), while the experiments, which need no other service, keep
 * working. The outage is made with a Consul agent of the test's own that knows an auth-service (a
 * stub with keys of its own) but no content-service, and a feed-service of its own (schema {@code feed_outage}, its own consumer
 * groups), so the shared platform stays intact.
 */
class ContentServiceOutageIT {

    @Test
    void getFeedIsUnavailableWhileContentServiceIsDownAndExperimentsStillWork() throws Exception {
        Platform platform = Platform.shared();
        Platform.User author = platform.registerWithProfile();
        Post post = platform.post(author, "before");

        try (ConsulContainer consul = SharedContainers.newConsul()) {
            consul.start();
            StubbedAuthService auth = StubbedAuthService.start(Platform.CONSUMER, consul);
            Map<String, String> config = new HashMap<>();
            config.put("consul.url", SharedContainers.consulHttpUri(consul).toString());
            config.put("feed.events.posts.group", "feed-service-outage-it");
            config.put("feed.events.users.group", "feed-service-outage-it");
            config.put("feed.events.streams.group", "feed-service-outage-it");
            RunningService feed = Platform.startFeed("feed_outage", "feed_outage_service", config);
            ManagedChannel channel = Platform.channelTo(feed);
            try {
                ConsulHealth.awaitPassing(consul, Platform.STARTUP, "auth-service");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> FeedServiceIT.count(
                                        "SELECT count(*) FROM feed_outage.timeline WHERE post_id = ?::uuid",
                                        post.getId())
                                == 1);
                // The feed of its own verifies tokens with the keys of the auth stub in its own Consul.
                var client = Platform.feedAs(
                        channel, new Platform.User(author.id(), author.username(), auth.accessToken(author.id())));

                NovaException error = GrpcErrors.failure(() -> client.getFeed(GetFeedRequest.getDefaultInstance()));
                assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(error.getMessage()).contains("content-service");
                assertThat(error.domain()).contains("feed.nova.social");

                assertThat(client.getExperimentAssignment(GetExperimentAssignmentRequest.newBuilder()
                                        .setExperimentKey("feed-ranking")
                                        .build())
                                .getAssignment()
                                .getVariant())
                        .isNotEmpty();
                assertThat(client.listExperiments(ListExperimentsRequest.getDefaultInstance())
                                .getExperimentsCount())
                        .isPositive();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                feed.stop();
                auth.close();
            }
        }
    }
}
