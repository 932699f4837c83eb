package social.nova.rpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.grpc.MethodDescriptor;

/** A two-method test service with String messages: no generated code needed. */
public final class EchoService {
    public static final String SERVICE = "nova.test.v1.EchoService";

    /** Idempotent (as {@code idempotency_level = IDEMPOTENT} would generate): retried on UNAVAILABLE. */
    public static final MethodDescriptor<String, String> GET = method("GetEcho", true);
    /** Not idempotent: never retried. */
    public static final MethodDescriptor<String, String> CREATE = method("CreateEcho", false);

    private EchoService() {}

    private static MethodDescriptor<String, String> method(String name, boolean idempotent) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(StringMarshaller.INSTANCE)
                .setResponseMarshaller(StringMarshaller.INSTANCE)
                .setIdempotent(idempotent)
                .build();
    }

    enum StringMarshaller implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
