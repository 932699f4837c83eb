package social.nova.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.streaming.v1.EndStreamRequest;
import social.nova.contracts.streaming.v1.GetStreamRequest;
import social.nova.contracts.streaming.v1.GetStreamResponse;
import social.nova.contracts.streaming.v1.JoinStreamRequest;
import social.nova.contracts.streaming.v1.LeaveStreamRequest;
import social.nova.contracts.streaming.v1.ListLiveStreamsRequest;
import social.nova.contracts.streaming.v1.ListLiveStreamsResponse;
import social.nova.contracts.streaming.v1.StartStreamRequest;
import social.nova.contracts.streaming.v1.StartStreamResponse;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.page;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code /api/v1/streams}: live streams, their viewers and their status as server-sent events
 * ({@link LiveStreamEvents}), on streaming-service. Every route needs a signed-in user. Registered
 * at {@code /api/v1}.
 */
final class LiveStreamRoutes implements HttpService {
    private final Backends backends;
    private final Authentication authentication;
    private final Json json;
    private final LiveStreamEvents events;

    /** {@code POST /streams}: a title, and optionally a description. */
    record NewLiveStream(String title, String description) {}

    LiveStreamRoutes(Backends backends, Authentication authentication, Json json, LiveStreamEvents events) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
        this.events = events;
    }

    @Override
    public void routing(HttpRules rules) {
        // "/streams/live" first: a route with "{id}" in its place would read it as an id.
        rules.get("/streams/live", authentication.required(this::live))
                .post("/streams", authentication.required(this::start))
                .get("/streams/{id}", authentication.required(this::stream))
                .post("/streams/{id}/join", authentication.required(this::join))
                .post("/streams/{id}/leave", authentication.required(this::leave))
                .post("/streams/{id}/end", authentication.required(this::end))
                .get("/streams/{id}/events", authentication.requiredToken(events::stream));
    }

    private void start(ServerRequest request, ServerResponse response, Caller caller) {
        NewLiveStream body = json.read(request, NewLiveStream.class);
        StartStreamResponse started = backends.streaming()
                .startStream(StartStreamRequest.newBuilder()
                        .setTitle(Json.orEmpty(body.title()))
                        .setDescription(Json.orEmpty(body.description()))
                        .build());
        response.header(
                HeaderNames.LOCATION, "/api/v1/streams/" + started.getStream().getId());
        // The stream key is the broadcaster's secret: no cache keeps it.
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(response, Status.CREATED_201, Views.StartedLiveStream.of(started));
    }

    private void live(ServerRequest request, ServerResponse response, Caller caller) {
        ListLiveStreamsResponse page = backends.streaming()
                .listLiveStreams(ListLiveStreamsRequest.newBuilder()
                        .setPage(page(request))
                        .build());
        json.send(response, Views.LiveStreamView.page(page.getStreamsList(), page.getPage()));
    }

    private void stream(ServerRequest request, ServerResponse response, Caller caller) {
        GetStreamResponse stream = backends.streaming()
                .getStream(GetStreamRequest.newBuilder()
                        .setStreamId(uuid(request, ID))
                        .build());
        json.send(response, Views.LiveStreamView.of(stream.getStream(), stream.getPeakViewerCount()));
    }

    private void join(ServerRequest request, ServerResponse response, Caller caller) {
        backends.streaming()
                .joinStream(JoinStreamRequest.newBuilder()
                        .setStreamId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void leave(ServerRequest request, ServerResponse response, Caller caller) {
        backends.streaming()
                .leaveStream(LeaveStreamRequest.newBuilder()
                        .setStreamId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void end(ServerRequest request, ServerResponse response, Caller caller) {
        backends.streaming()
                .endStream(EndStreamRequest.newBuilder()
                        .setStreamId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }
}
