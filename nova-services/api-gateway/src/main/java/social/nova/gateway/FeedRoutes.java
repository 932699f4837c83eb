package social.nova.gateway;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.grpc.StatusRuntimeException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.common.v1.TimeWindow;
import social.nova.contracts.feed.v1.ExperimentAssignment;
import social.nova.contracts.feed.v1.GetExperimentAssignmentRequest;
import social.nova.contracts.feed.v1.GetFeedRequest;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.feed.v1.GetTrendingRequest;
import social.nova.contracts.feed.v1.GetTrendingResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.page;

/**
 * {@code /api/v1/feed}, {@code /api/v1/feed/trending} and
 * {@code /api/v1/experiments/{key}/assignment}: the home feed, trending posts and the caller's
 * ranking-experiment variant, on feed-service. Every route needs a signed-in user. Registered at
 * {@code /api/v1}.
 */
final class FeedRoutes implements HttpService {
    static final String KEY = "key";
    /** feed-service's reason for an experiment that is a draft or has ended. */
    static final String EXPERIMENT_NOT_RUNNING = "EXPERIMENT_NOT_RUNNING";

    private static final Pattern EXPERIMENT_KEY = Pattern.compile("[a-z0-9-]{1,64}");

    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    FeedRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/feed", authentication.required(this::feed))
                .get("/feed/trending", authentication.required(this::trending))
                .get("/experiments/{key}/assignment", authentication.required(this::assignment));
    }

    private void feed(ServerRequest request, ServerResponse response, Caller caller) {
        GetFeedResponse feed = backends.feed()
                .getFeed(GetFeedRequest.newBuilder().setPage(page(request)).build());
        json.send(response, Views.Feed.of(feed));
    }

    private void trending(ServerRequest request, ServerResponse response, Caller caller) {
        GetTrendingResponse trending = backends.feed()
                .getTrending(GetTrendingRequest.newBuilder()
                        .setWindow(window(request))
                        .setPage(page(request))
                        .build());
        json.send(response, Views.Trending.of(trending));
    }

    private void assignment(ServerRequest request, ServerResponse response, Caller caller) {
        String key = request.path().pathParameters().get(KEY);
        if (!EXPERIMENT_KEY.matcher(key).matches()) {
            throw NovaException.invalidArgument(
                    "path parameter 'key' must be 1..64 characters of a-z, 0-9 and '-'",
                    FieldViolation.of(KEY, "must be 1..64 characters of a-z, 0-9 and '-'"));
        }
        ExperimentAssignment assignment;
        try {
            assignment = backends.feed()
                    .getExperimentAssignment(GetExperimentAssignmentRequest.newBuilder()
                            .setExperimentKey(key)
                            .build())
                    .getAssignment();
        } catch (StatusRuntimeException e) {
            NovaException error = NovaException.from(e);
            if (error.reason().filter(EXPERIMENT_NOT_RUNNING::equals).isPresent()) {
                // The route's promise: 404 unless the experiment is running (a draft or an ended one is not).
                throw NovaException.builder(ErrorCode.NOT_FOUND, "experiment '" + key + "' is not running")
                        .reason(EXPERIMENT_NOT_RUNNING)
                        .domain(error.domain().orElse(null))
                        .build();
            }
            throw error;
        }
        json.send(response, new Views.Assignment(assignment.getExperimentKey(), assignment.getVariant()));
    }

    /** {@code ?window=HOUR|DAY|WEEK} (any case); absent means the service's default (DAY). */
    private static TimeWindow window(ServerRequest request) {
        Optional<String> value = request.query().first("window").asOptional().filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return TimeWindow.TIME_WINDOW_UNSPECIFIED;
        }
        return switch (value.get().toUpperCase(Locale.ROOT)) {
            case "HOUR" -> TimeWindow.TIME_WINDOW_HOUR;
            case "DAY" -> TimeWindow.TIME_WINDOW_DAY;
            case "WEEK" -> TimeWindow.TIME_WINDOW_WEEK;
            default ->
                throw NovaException.invalidArgument(
                        "query parameter 'window' must be HOUR, DAY or WEEK",
                        FieldViolation.of("window", "must be HOUR, DAY or WEEK"));
        };
    }
}
