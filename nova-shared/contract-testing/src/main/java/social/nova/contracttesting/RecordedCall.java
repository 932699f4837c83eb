package social.nova.contracttesting;

import java.util.Map;
import java.util.Optional;

import com.google.protobuf.Message;
import io.grpc.Status;

/**
 * One call a stub server received, for verification in the consumer's test.
 *
 * @param method   full method name, {@code nova.content.v1.ContentService/GetPost}
 * @param request  the (first) request message
 * @param metadata the request headers Nova reads ({@code authorization}, {@code x-request-id},
 *                 {@code x-forwarded-for}, {@code x-nova-forwarded-signature})
 * @param stub     the description of the stub that answered, empty when none matched
 * @param status   the status the call ended with
 */
public record RecordedCall<Req extends Message>(
        String method, Req request, Map<String, String> metadata, Optional<String> stub, Status.Code status) {
    public RecordedCall {
        metadata = Map.copyOf(metadata);
    }

    /** Whether a stub answered the call (an unmatched call ends UNIMPLEMENTED). */
    public boolean matched() {
        return stub.isPresent();
    }
}
