package social.nova.contracttesting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A contract written by a consumer's test, replayed against a provider. The provider here is a
 * second stub server standing in for content-service with other ids (the harness replays against
 * the real one): what matters is that the verifier fills the placeholders from the provider state,
 * passes a provider that keeps the contract and names what breaks when it does not.
 */
class ContractVerifierTest {
    private static final String EXAMPLE_POST = "3f7a9c1e-0b2d-4e5f-8a6b-7c8d9e0f1a2b";
    private static final String EXAMPLE_TOKEN = "example-token-5d41402abc4b2a76b9719d911017c592";
    private static final String REAL_POST = "99999999-aaaa-4bbb-8ccc-dddddddddddd";
    private static final String REAL_TOKEN = "real-token-0123456789";

    @TempDir
    Path contracts;

    @Test
    void aProviderThatKeepsTheContractPassesWithThePlaceholdersFilledFromItsState() {
        ConsumerContract contract = consumerContract();
        try (NovaStubServer provider = provider()) {
            provider.stub(ContentServiceGrpc.getGetPostMethod())
                    .whenField("post_id", REAL_POST)
                    .willReturn(GetPostResponse.newBuilder()
                            .setPost(Post.newBuilder()
                                    .setId(REAL_POST)
                                    .setAuthorId("someone")
                                    .setText("a different text")
                                    .setLikeCount(0))
                            .build());

            List<ContractVerifier.Result> results = verifier(provider).verify(contract);

            assertThat(results)
                    .singleElement()
                    .satisfies(result ->
                            assertThat(result.passed()).as("%s", result).isTrue());
            assertThat(provider.calls())
                    .singleElement()
                    .satisfies(
                            call -> assertThat(call.metadata()).containsEntry("authorization", "Bearer " + REAL_TOKEN));
        }
    }

    @Test
    void aProviderThatAnswersAnotherPostOrAnotherStatusBreaksTheContractAndSaysHow() {
        ConsumerContract contract = consumerContract();
        try (NovaStubServer provider = provider()) {
            provider.stub(ContentServiceGrpc.getGetPostMethod())
                    .willReturn(GetPostResponse.newBuilder()
                            .setPost(Post.newBuilder().setId("another-post"))
                            .build());

            ContractVerifier.Result wrongPost =
                    verifier(provider).verify(contract).getFirst();

            assertThat(wrongPost.passed()).isFalse();
            assertThat(wrongPost.problems())
                    .containsExactly("response.post.id should be \"" + REAL_POST + "\", is \"another-post\"");
            assertThat(wrongPost.toString()).startsWith("timeline-app -> content-service \"reads a post\"");
        }
        try (NovaStubServer provider = provider()) {
            provider.stub(ContentServiceGrpc.getGetPostMethod())
                    .willFail(NovaException.builder(ErrorCode.NOT_FOUND, "post not found")
                            .reason("POST_NOT_FOUND")
                            .build());

            assertThat(verifier(provider).verify(contract).getFirst().problems())
                    .containsExactly("expected status OK, got NOT_FOUND (post not found)");
        }
    }

    @Test
    void anUnknownProviderStateIsReportedNotThrown() {
        ConsumerContract contract = consumerContract();
        try (NovaStubServer provider = provider()) {
            ContractVerifier verifier = new ContractVerifier(
                    ContractDescriptors.fromClasspath(),
                    (state, provides) -> {
                        throw new IllegalArgumentException("unknown state '" + state + "'");
                    },
                    name -> channel(provider),
                    Duration.ofSeconds(5));

            assertThat(verifier.verify(contract).getFirst().problems())
                    .containsExactly(
                            "provider state 'a post by the caller' could not be set up: unknown state 'a post by the caller'");
        }
    }

    @Test
    void typesAreMatchedFieldByFieldAndListsByAnyElement() {
        List<String> problems = new java.util.ArrayList<>();
        ContractVerifier.match(
                tree("{\"items\":[{\"id\":\"${postId}\",\"likeCount\":\"1\"}],\"next\":\"c\"}"),
                tree(
                        "{\"items\":[{\"id\":\"x\",\"likeCount\":\"7\"},{\"id\":\"p1\",\"likeCount\":\"0\"}],\"next\":\"\"}"),
                "response",
                Map.of("postId", "p1"),
                problems);
        assertThat(problems).isEmpty();

        ContractVerifier.match(
                tree("{\"items\":[{\"id\":\"${postId}\"}],\"count\":1}"),
                tree("{\"items\":[],\"count\":\"1\"}"),
                "response",
                Map.of("postId", "p1"),
                problems);
        assertThat(problems)
                .containsExactly(
                        "response.items is empty; the consumer expects an element like {\"id\":\"${postId}\"}",
                        "response.count should be a number (like 1), is \"1\"");
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String text) {
        try {
            return ConsumerContract.JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What the consumer's test wrote: it read the example post with the example token. */
    private ConsumerContract consumerContract() {
        try (NovaStubServer content = NovaStubServer.forService(
                        "content-service", ContentServiceGrpc.getServiceDescriptor())
                .consumer("timeline-app")
                .contractsDirectory(contracts)
                .start()) {
            content.stub(ContentServiceGrpc.getGetPostMethod())
                    .given(ProviderState.of("a post by the caller")
                            .with("postId", EXAMPLE_POST)
                            .with("accessToken", EXAMPLE_TOKEN))
                    .whenField("post_id", EXAMPLE_POST)
                    .describedAs("reads a post")
                    .willReturn(GetPostResponse.newBuilder()
                            .setPost(Post.newBuilder()
                                    .setId(EXAMPLE_POST)
                                    .setAuthorId("a1")
                                    .setText("hello")
                                    .setLikeCount(2)
                                    .setLikedByCaller(true))
                            .build());
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + EXAMPLE_TOKEN);
            ManagedChannel channel = channel(content);
            try {
                ContentServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .getPost(GetPostRequest.newBuilder()
                                .setPostId(EXAMPLE_POST)
                                .build());
            } finally {
                channel.shutdownNow();
            }
        }
        return ConsumerContract.read(contracts.resolve("timeline-app--content-service.json"));
    }

    private NovaStubServer provider() {
        return NovaStubServer.forService("content-service", ContentServiceGrpc.getServiceDescriptor())
                .start();
    }

    private static ContractVerifier verifier(NovaStubServer provider) {
        ManagedChannel channel = channel(provider);
        return new ContractVerifier(
                ContractDescriptors.fromClasspath(),
                (state, provides) -> {
                    assertThat(state).isEqualTo("a post by the caller");
                    assertThat(provides).containsExactly("accessToken", "postId");
                    return Map.of("postId", REAL_POST, "accessToken", REAL_TOKEN);
                },
                name -> channel,
                Duration.ofSeconds(5));
    }

    private static ManagedChannel channel(NovaStubServer server) {
        return Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
                .build();
    }
}
