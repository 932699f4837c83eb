package social.nova.contracttesting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stub servers as a consumer's test uses them: real gRPC over loopback, no Nova running. */
class NovaStubServerTest {
    private static final String POST_ID = "3f7a9c1e-0b2d-4e5f-8a6b-7c8d9e0f1a2b";
    private static final String TOKEN = "test-token-5d41402abc4b2a76b9719d911017c592";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Post POST = Post.newBuilder()
            .setId(POST_ID)
            .setAuthorId("a1b2c3d4-0000-4000-8000-000000000001")
            .setText("hello")
            .setLikeCount(3)
            .build();

    @TempDir
    Path contracts;

    private ManagedChannel channel;

    @AfterEach
    void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMatchingStubAnswersAndEveryCallIsRecordedWithItsToken() {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .whenField("post_id", POST_ID)
                    .willReturn(GetPostResponse.newBuilder().setPost(POST).build());

            GetPostResponse answer = client(content)
                    .getPost(GetPostRequest.newBuilder().setPostId(POST_ID).build());

            assertThat(answer.getPost()).isEqualTo(POST);
            List<RecordedCall<GetPostRequest>> calls = content.calls(ContentServiceGrpc.getGetPostMethod());
            assertThat(calls).hasSize(1);
            assertThat(calls.getFirst().request().getPostId()).isEqualTo(POST_ID);
            assertThat(calls.getFirst().metadata()).containsEntry("authorization", "Bearer " + TOKEN);
            assertThat(calls.getFirst().matched()).isTrue();
        }
    }

    @Test
    void theLatestMatchingStubWinsSoATestCanOverrideAGeneralOne() {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .willReturn(GetPostResponse.newBuilder()
                            .setPost(POST.toBuilder().setText("general"))
                            .build());
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .when(
                            "the post id is the special one",
                            request -> request.getPostId().equals(POST_ID))
                    .willReturn(GetPostResponse.newBuilder()
                            .setPost(POST.toBuilder().setText("special"))
                            .build());

            assertThat(client(content)
                            .getPost(GetPostRequest.newBuilder()
                                    .setPostId(POST_ID)
                                    .build())
                            .getPost()
                            .getText())
                    .isEqualTo("special");
            assertThat(client(content)
                            .getPost(GetPostRequest.newBuilder()
                                    .setPostId("other")
                                    .build())
                            .getPost()
                            .getText())
                    .isEqualTo("general");
        }
    }

    @Test
    void anUnmatchedCallFailsLoudlyNamingTheClosestStubAndFailsTheTestAtClose() {
        NovaStubServer content = contentStub();
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", POST_ID)
                .willReturn(GetPostResponse.newBuilder().setPost(POST).build());

        assertThatThrownBy(() -> client(content)
                        .getPost(GetPostRequest.newBuilder().setPostId("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.getStatus().getDescription())
                            .contains("no stub matches nova.content.v1.ContentService/GetPost")
                            .contains("closest: GetPost when post_id = \"" + POST_ID + "\"")
                            .contains("post_id was \"nope\"");
                });
        assertThat(content.calls())
                .singleElement()
                .satisfies(call -> assertThat(call.matched()).isFalse());
        assertThatThrownBy(content::close)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 call(s) to the content-service stub matched no stub");
    }

    @Test
    void aStubbedFailureCarriesNovasReasonAndFieldViolations() {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .whenField("post_id", POST_ID)
                    .willFail(NovaException.builder(ErrorCode.NOT_FOUND, "post not found")
                            .reason("POST_NOT_FOUND")
                            .build());
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .whenField("post_id", "")
                    .willFail(NovaException.invalidArgument(FieldViolation.of("post_id", "must be a UUID")));

            NovaException missing = failure(() -> client(content)
                    .getPost(GetPostRequest.newBuilder().setPostId(POST_ID).build()));
            assertThat(missing.code().grpcCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(missing.reason()).hasValue("POST_NOT_FOUND");
            assertThat(missing.getMessage()).isEqualTo("post not found");
            NovaException invalid = failure(() -> client(content).getPost(GetPostRequest.getDefaultInstance()));
            assertThat(invalid.violations()).extracting(FieldViolation::field).containsExactly("post_id");
        }
    }

    @Test
    void aFieldThatTheRequestDoesNotHaveIsRefusedWhenTheStubIsDefined() {
        try (NovaStubServer content = contentStub()) {
            assertThatThrownBy(() ->
                            content.stub(ContentServiceGrpc.getGetPostMethod()).whenField("postid", POST_ID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "nova.content.v1.GetPostRequest has no field 'postid' (path 'postid'; fields: [post_id])");
        }
    }

    @Test
    void theStubServesHealthAndItsServicesDescriptorsByReflection() throws Exception {
        try (NovaStubServer content = contentStub()) {
            channel = Grpc.newChannelBuilder(content.target(), InsecureChannelCredentials.create())
                    .build();
            assertThat(HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.newBuilder()
                                    .setService("content-service")
                                    .build())
                            .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            var answers = new java.util.concurrent.LinkedBlockingQueue<ServerReflectionResponse>();
            StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(channel)
                    .serverReflectionInfo(new StreamObserver<>() {
                        @Override
                        public void onNext(ServerReflectionResponse value) {
                            answers.add(value);
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    });
            reflection.onNext(
                    ServerReflectionRequest.newBuilder().setListServices("").build());
            ServerReflectionResponse listed = answers.poll(5, TimeUnit.SECONDS);
            reflection.onCompleted();
            assertThat(listed).isNotNull();
            assertThat(listed.getListServicesResponse().getServiceList())
                    .extracting(s -> s.getName())
                    .contains("nova.content.v1.ContentService", "grpc.health.v1.Health");
        }
    }

    @Test
    void theExercisedStubsBecomeTheConsumersContractWithPlaceholdersForTheStateExamples() throws Exception {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .given(ProviderState.of("a post by the caller")
                            .with("postId", POST_ID)
                            .with("accessToken", TOKEN))
                    .whenField("post_id", POST_ID)
                    .describedAs("reads a post by its id")
                    .willReturn(GetPostResponse.newBuilder().setPost(POST).build());
            content.stub(ContentServiceGrpc.getDeletePostMethod()).willFail(Status.PERMISSION_DENIED);

            client(content)
                    .getPost(GetPostRequest.newBuilder().setPostId(POST_ID).build());
        }

        Path file = contracts.resolve("timeline-app--content-service.json");
        assertThat(file).exists();
        JsonNode contract = ConsumerContract.JSON.readTree(Files.readString(file));
        assertThat(contract.path("consumer").asText()).isEqualTo("timeline-app");
        assertThat(contract.path("provider").asText()).isEqualTo("content-service");
        assertThat(contract.path("interactions"))
                .as("only the stub the test exercised")
                .hasSize(1);
        JsonNode interaction = contract.path("interactions").get(0);
        assertThat(interaction.path("description").asText()).isEqualTo("reads a post by its id");
        assertThat(interaction.path("method").asText()).isEqualTo("nova.content.v1.ContentService/GetPost");
        assertThat(interaction.path("providerState").path("name").asText()).isEqualTo("a post by the caller");
        assertThat(interaction.path("request").path("postId").asText()).isEqualTo("${postId}");
        assertThat(interaction.path("metadata").path("authorization").asText()).isEqualTo("Bearer ${accessToken}");
        assertThat(interaction.path("responses").get(0).path("post").path("id").asText())
                .isEqualTo("${postId}");
        assertThat(interaction
                        .path("responses")
                        .get(0)
                        .path("post")
                        .path("likeCount")
                        .asText())
                .isEqualTo("3");
        assertThat(interaction.path("status").path("code").asText()).isEqualTo("OK");
        assertThat(ConsumerContract.read(file).interactions()).hasSize(1);
    }

    @Test
    void aSimulatingStubAnswersFromTheCallersHeadersAndStaysOutOfTheContract() throws Exception {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .excludedFromContract()
                    .willAnswer((request, headers) -> GetPostResponse.newBuilder()
                            .setPost(Post.newBuilder()
                                    .setId(request.getPostId())
                                    .setLikedByCaller(headers.getOrDefault("authorization", "")
                                            .equals("Bearer " + TOKEN)))
                            .build());

            assertThat(client(content)
                            .getPost(
                                    GetPostRequest.newBuilder().setPostId("any").build())
                            .getPost())
                    .satisfies(post -> {
                        assertThat(post.getId()).isEqualTo("any");
                        assertThat(post.getLikedByCaller()).isTrue();
                    });
            assertThat(content.contract().interactions()).isEmpty();
        }
        assertThat(contracts.resolve("timeline-app--content-service.json")).doesNotExist();
    }

    @Test
    void aServerStreamIsAnsweredMessageByMessageAndWrittenWithAllItsMessages() throws Exception {
        try (NovaStubServer streaming = NovaStubServer.forService(
                        "streaming-service", StreamingServiceGrpc.getServiceDescriptor())
                .consumer("timeline-app")
                .contractsDirectory(contracts)
                .start()) {
            streaming
                    .stub(StreamingServiceGrpc.getWatchStreamMethod())
                    .whenField("stream_id", "s-1")
                    .willStream(List.of(
                            WatchStreamResponse.newBuilder()
                                    .setStatus(StreamStatus.STREAM_STATUS_LIVE)
                                    .setViewerCount(3)
                                    .build(),
                            WatchStreamResponse.newBuilder()
                                    .setStatus(StreamStatus.STREAM_STATUS_ENDED)
                                    .setViewerCount(0)
                                    .build()));
            channel = Grpc.newChannelBuilder(streaming.target(), InsecureChannelCredentials.create())
                    .build();

            List<WatchStreamResponse> received = new java.util.ArrayList<>();
            StreamingServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .watchStream(
                            WatchStreamRequest.newBuilder().setStreamId("s-1").build())
                    .forEachRemaining(received::add);

            assertThat(received)
                    .extracting(WatchStreamResponse::getStatus)
                    .containsExactly(StreamStatus.STREAM_STATUS_LIVE, StreamStatus.STREAM_STATUS_ENDED);
            assertThat(streaming.contract().interactions())
                    .singleElement()
                    .satisfies(
                            interaction -> assertThat(interaction.responses()).hasSize(2));
        }
    }

    @Test
    void aRateLimitCarriesItsRetryAfter() {
        try (NovaStubServer content = contentStub()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .willFail(NovaException.rateLimited(Duration.ofSeconds(7)));

            NovaException limited = failure(() -> client(content)
                    .getPost(GetPostRequest.newBuilder().setPostId("x").build()));

            assertThat(limited.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            assertThat(limited.retryAfter()).hasValue(Duration.ofSeconds(7));
        }
    }

    private NovaStubServer contentStub() {
        return NovaStubServer.forService("content-service", ContentServiceGrpc.getServiceDescriptor())
                .consumer("timeline-app")
                .contractsDirectory(contracts)
                .start();
    }

    private ContentServiceGrpc.ContentServiceBlockingStub client(NovaStubServer server) {
        if (channel == null) {
            channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
                    .build();
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + TOKEN);
        return ContentServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    }

    private static NovaException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return NovaException.from(e);
        }
        throw new AssertionError("the call succeeded");
    }
}
