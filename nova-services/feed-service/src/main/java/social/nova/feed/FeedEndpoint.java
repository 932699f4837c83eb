package social.nova.feed;

import java.util.UUID;

import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.common.v1.TimeWindow;
import social.nova.contracts.feed.v1.Experiment;
import social.nova.contracts.feed.v1.ExperimentAssignment;
import social.nova.contracts.feed.v1.ExperimentStatus;
import social.nova.contracts.feed.v1.FeedItem;
import social.nova.contracts.feed.v1.FeedReason;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracts.feed.v1.GetExperimentAssignmentRequest;
import social.nova.contracts.feed.v1.GetExperimentAssignmentResponse;
import social.nova.contracts.feed.v1.GetFeedRequest;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.feed.v1.GetTrendingRequest;
import social.nova.contracts.feed.v1.GetTrendingResponse;
import social.nova.contracts.feed.v1.ListExperimentsRequest;
import social.nova.contracts.feed.v1.ListExperimentsResponse;
import social.nova.contracts.feed.v1.LiveStream;
import social.nova.contracts.feed.v1.TrendingPost;
import social.nova.contracts.feed.v1.Variant;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of feed-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in the domain ({@link Feeds}, {@link Trending},
 * {@link Experiments}); the kit maps thrown errors to statuses.
 */
final class FeedEndpoint extends FeedServiceGrpc.FeedServiceImplBase {
    private final Feeds feeds;
    private final Trending trending;
    private final Experiments experiments;

    FeedEndpoint(Feeds feeds, Trending trending, Experiments experiments) {
        this.feeds = feeds;
        this.trending = trending;
        this.experiments = experiments;
    }

    @Override
    public void getFeed(GetFeedRequest request, StreamObserver<GetFeedResponse> response) {
        Feeds.FeedPage page = feeds.feed(
                callerId(), request.getPage().getLimit(), request.getPage().getCursor());
        GetFeedResponse.Builder answer = GetFeedResponse.newBuilder().setPage(page(page.nextCursor()));
        for (Feeds.Item item : page.items()) {
            answer.addItems(FeedItem.newBuilder()
                    .setPost(item.post())
                    .setScore(item.score())
                    .setReason(item.ownPost() ? FeedReason.FEED_REASON_OWN_POST : FeedReason.FEED_REASON_FOLLOWING));
        }
        if (page.assignment() != null) {
            answer.addAssignments(assignment(page.assignment()));
        }
        for (Feeds.LiveNow live : page.liveStreams()) {
            answer.addLiveStreams(LiveStream.newBuilder()
                    .setStreamId(live.streamId().toString())
                    .setOwnerId(live.ownerId().toString())
                    .setTitle(live.title())
                    .setPlaybackUrl(live.playbackUrl())
                    .setLiveAt(timestamp(live.liveAt())));
        }
        reply(response, answer.build());
    }

    @Override
    public void getTrending(GetTrendingRequest request, StreamObserver<GetTrendingResponse> response) {
        UUID caller = callerId();
        Trending.TrendingPage page = trending.trending(
                caller,
                window(request.getWindow()),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        GetTrendingResponse.Builder answer = GetTrendingResponse.newBuilder().setPage(page(page.nextCursor()));
        page.items()
                .forEach(item -> answer.addPosts(
                        TrendingPost.newBuilder().setPost(item.post()).setScore(item.score())));
        if (page.computedAt() != null) {
            answer.setComputedAt(timestamp(page.computedAt()));
        }
        reply(response, answer.build());
    }

    @Override
    public void getExperimentAssignment(
            GetExperimentAssignmentRequest request, StreamObserver<GetExperimentAssignmentResponse> response) {
        Experiments.Assignment assignment =
                experiments.assignment(callerId(), request.getExperimentId(), request.getExperimentKey());
        reply(
                response,
                GetExperimentAssignmentResponse.newBuilder()
                        .setAssignment(assignment(assignment))
                        .build());
    }

    @Override
    public void listExperiments(ListExperimentsRequest request, StreamObserver<ListExperimentsResponse> response) {
        callerId();
        ExperimentStatus status = request.getStatus();
        boolean valid = status != ExperimentStatus.UNRECOGNIZED;
        Experiments.ExperimentPage page = experiments.list(
                valid ? status(status) : null,
                valid,
                request.getPage().getLimit(),
                request.getPage().getCursor());
        ListExperimentsResponse.Builder answer =
                ListExperimentsResponse.newBuilder().setPage(page(page.nextCursor()));
        page.experiments().forEach(e -> answer.addExperiments(experiment(e)));
        reply(response, answer.build());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }

    /** HOUR, DAY or WEEK; unspecified means DAY; null for a value this contract does not know. */
    static String window(TimeWindow window) {
        return switch (window) {
            case TIME_WINDOW_HOUR -> "HOUR";
            case TIME_WINDOW_DAY, TIME_WINDOW_UNSPECIFIED -> "DAY";
            case TIME_WINDOW_WEEK -> "WEEK";
            default -> null;
        };
    }

    private static social.nova.feed.Experiment.Status status(ExperimentStatus status) {
        return switch (status) {
            case EXPERIMENT_STATUS_DRAFT -> social.nova.feed.Experiment.Status.DRAFT;
            case EXPERIMENT_STATUS_RUNNING -> social.nova.feed.Experiment.Status.RUNNING;
            case EXPERIMENT_STATUS_ENDED -> social.nova.feed.Experiment.Status.ENDED;
            default -> null;
        };
    }

    private static PageResponse page(String nextCursor) {
        return PageResponse.newBuilder()
                .setNextCursor(nextCursor == null ? "" : nextCursor)
                .build();
    }

    private static ExperimentAssignment assignment(Experiments.Assignment assignment) {
        return ExperimentAssignment.newBuilder()
                .setExperimentId(assignment.experimentId().toString())
                .setExperimentKey(assignment.experimentKey())
                .setVariant(assignment.variant())
                .build();
    }

    private static Experiment experiment(social.nova.feed.Experiment e) {
        Experiment.Builder proto = Experiment.newBuilder()
                .setId(e.id().toString())
                .setKey(e.key())
                .setDescription(e.description())
                .setStatus(
                        switch (e.status()) {
                            case DRAFT -> ExperimentStatus.EXPERIMENT_STATUS_DRAFT;
                            case RUNNING -> ExperimentStatus.EXPERIMENT_STATUS_RUNNING;
                            case ENDED -> ExperimentStatus.EXPERIMENT_STATUS_ENDED;
                        });
        e.variants()
                .forEach(v -> proto.addVariants(
                        Variant.newBuilder().setName(v.name()).setTrafficPercent(v.trafficPercent())));
        if (e.startedAt() != null) {
            proto.setStartedAt(timestamp(e.startedAt()));
        }
        if (e.endedAt() != null) {
            proto.setEndedAt(timestamp(e.endedAt()));
        }
        return proto.build();
    }
}
