package com.example.timeline;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.Post;

/**
 * The downstream team's own code: a one-line preview of a Nova post, read from content-service
 * with the signed-in user's access token. A post that does not exist (or was deleted) has no preview.
 */
public final class PostPreviews {
    static final int MAX_TEXT = 40;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Channel content;

    public PostPreviews(Channel content) {
        this.content = content;
    }

    /** "text (N likes)", the text cut to 40 characters; empty when the post does not exist. */
    public Optional<String> preview(String postId, String accessToken) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + accessToken);
        Post post;
        try {
            post = ContentServiceGrpc.newBlockingStub(content)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .getPost(GetPostRequest.newBuilder().setPostId(postId).build())
                    .getPost();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        String text = post.getText().length() > MAX_TEXT ? post.getText().substring(0, MAX_TEXT - 1) + "…" : post.getText();
        return Optional.of(text + " (" + post.getLikeCount() + (post.getLikeCount() == 1 ? " like)" : " likes)"));
    }
}
