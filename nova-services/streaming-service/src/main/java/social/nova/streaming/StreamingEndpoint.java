package social.nova.streaming;

import java.util.UUID;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.streaming.v1.EndStreamRequest;
import social.nova.contracts.streaming.v1.EndStreamResponse;
import social.nova.contracts.streaming.v1.GetStreamRequest;
import social.nova.contracts.streaming.v1.GetStreamResponse;
import social.nova.contracts.streaming.v1.GetViewerCountRequest;
import social.nova.contracts.streaming.v1.GetViewerCountResponse;
import social.nova.contracts.streaming.v1.JoinStreamRequest;
import social.nova.contracts.streaming.v1.JoinStreamResponse;
import social.nova.contracts.streaming.v1.LeaveStreamRequest;
import social.nova.contracts.streaming.v1.LeaveStreamResponse;
import social.nova.contracts.streaming.v1.ListLiveStreamsRequest;
import social.nova.contracts.streaming.v1.ListLiveStreamsResponse;
import social.nova.contracts.streaming.v1.StartStreamRequest;
import social.nova.contracts.streaming.v1.StartStreamResponse;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.kit.Callers;
import social.nova.kit.Protos;

import static social.nova.kit.Protos.reply;

/**
 * The gRPC face of streaming-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in {@link Streams}; the kit maps thrown errors to statuses.
 */
final class StreamingEndpoint extends StreamingServiceGrpc.StreamingServiceImplBase {
    private final Streams streams;
    private final Watchers watchers;
    private final StreamingSettings settings;

    StreamingEndpoint(Streams streams, Watchers watchers, StreamingSettings settings) {
        this.streams = streams;
        this.watchers = watchers;
        this.settings = settings;
    }

    @Override
    public void startStream(StartStreamRequest request, StreamObserver<StartStreamResponse> response) {
        Streams.Started started = streams.start(callerId(), request.getTitle(), request.getDescription());
        reply(
                response,
                StartStreamResponse.newBuilder()
                        .setStream(StreamingProtos.stream(new Streams.StreamView(started.stream(), 0, 0), settings))
                        .setIngestUrl(settings.ingestUrlOf(started.stream().id()))
                        .setStreamKey(started.key())
                        .build());
    }

    @Override
    public void endStream(EndStreamRequest request, StreamObserver<EndStreamResponse> response) {
        Streams.StreamView ended = streams.end(callerId(), request.getStreamId());
        reply(
                response,
                EndStreamResponse.newBuilder()
                        .setStream(StreamingProtos.stream(ended, settings))
                        .build());
    }

    @Override
    public void joinStream(JoinStreamRequest request, StreamObserver<JoinStreamResponse> response) {
        Streams.Joined joined = streams.join(callerId(), request.getStreamId());
        reply(
                response,
                JoinStreamResponse.newBuilder()
                        .setStream(StreamingProtos.stream(joined.view(), settings))
                        .setPresenceExpiresAt(Protos.timestamp(joined.presenceExpiresAt()))
                        .build());
    }

    @Override
    public void leaveStream(LeaveStreamRequest request, StreamObserver<LeaveStreamResponse> response) {
        streams.leave(callerId(), request.getStreamId());
        reply(response, LeaveStreamResponse.getDefaultInstance());
    }

    @Override
    public void getStream(GetStreamRequest request, StreamObserver<GetStreamResponse> response) {
        Streams.StreamView view = streams.get(callerId(), request.getStreamId());
        reply(
                response,
                GetStreamResponse.newBuilder()
                        .setStream(StreamingProtos.stream(view, settings))
                        .setPeakViewerCount(view.peakViewers())
                        .build());
    }

    @Override
    public void getViewerCount(GetViewerCountRequest request, StreamObserver<GetViewerCountResponse> response) {
        callerId();
        Viewers.Count count = streams.viewerCount(request.getStreamId());
        reply(
                response,
                GetViewerCountResponse.newBuilder()
                        .setViewerCount(count.viewers())
                        .setPeakViewerCount(count.peak())
                        .build());
    }

    @Override
    public void listLiveStreams(ListLiveStreamsRequest request, StreamObserver<ListLiveStreamsResponse> response) {
        Streams.LivePage page = streams.live(
                callerId(), request.getPage().getLimit(), request.getPage().getCursor());
        reply(
                response,
                ListLiveStreamsResponse.newBuilder()
                        .addAllStreams(page.streams().stream()
                                .map(view -> StreamingProtos.stream(view, settings))
                                .toList())
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    @Override
    public void watchStream(WatchStreamRequest request, StreamObserver<WatchStreamResponse> response) {
        UUID caller = callerId();
        Stream stream = streams.watchable(caller, request.getStreamId());
        watchers.watch(caller, stream, (ServerCallStreamObserver<WatchStreamResponse>) response);
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }
}
