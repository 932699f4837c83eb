package com.example.timeline;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracttesting.NovaStubServer;
import social.nova.contracttesting.ProviderState;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostPreviews against a stub of content-service: no Nova running. The stubs the tests exercise
 * become this project's consumer contract with content-service, which Nova verifies against the
 * real service: a change there that breaks what this code relies on fails Nova's build.
 */
class PostPreviewsTest {
    // Example values, replaced by real ones when Nova replays the contract (provider states).
    private static final String POST_ID = "5b0f6a52-1c8e-4d2a-9f3b-6e7d8c9a0b1c";
    private static final String MISSING_POST_ID = "0e9d8c7b-6a59-4483-b2a1-0f1e2d3c4b5a";
    private static final String TOKEN = "sample-access-token-7f3e2d1c0b9a";

    private NovaStubServer content;
    private ManagedChannel channel;

    @BeforeEach
    void startContentStub() {
        content = NovaStubServer.forService("content-service", ContentServiceGrpc.getServiceDescriptor())
                .consumer("timeline-sample").start();
        channel = Grpc.newChannelBuilder(content.target(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        content.close();
    }

    @Test
    void aPostIsPreviewedWithItsLikes() {
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .given(ProviderState.of("a post by the caller").with("postId", POST_ID).with("accessToken", TOKEN))
                .whenField("post_id", POST_ID)
                .describedAs("reads a post with its text and like count")
                .willReturn(GetPostResponse.newBuilder().setPost(Post.newBuilder()
                        .setId(POST_ID).setText("Crème brûlée, the recipe my grandmother never wrote down").setLikeCount(2))
                        .build());

        assertThat(new PostPreviews(channel).preview(POST_ID, TOKEN))
                .hasValue("Crème brûlée, the recipe my grandmother… (2 likes)");
        assertThat(content.calls(ContentServiceGrpc.getGetPostMethod())).singleElement()
                .satisfies(call -> assertThat(call.metadata()).containsEntry("authorization", "Bearer " + TOKEN));
    }

    @Test
    void aMissingPostHasNoPreview() {
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .given(ProviderState.of("no post with the id").with("postId", MISSING_POST_ID).with("accessToken", TOKEN))
                .whenField("post_id", MISSING_POST_ID)
                .describedAs("a post that does not exist is NOT_FOUND")
                .willFail(NovaException.notFound("post", MISSING_POST_ID));

        assertThat(new PostPreviews(channel).preview(MISSING_POST_ID, TOKEN)).isEmpty();
    }
}
