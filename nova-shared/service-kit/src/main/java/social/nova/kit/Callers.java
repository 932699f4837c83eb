package social.nova.kit;

import java.util.Optional;

import io.grpc.Context;
import social.nova.errors.NovaException;

/** The verified caller of the current gRPC call, as the kit's authentication put it in the {@link Context}. */
public final class Callers {
    static final Context.Key<Caller> CALLER = Context.key("nova-caller");
    static final Context.Key<String> CLIENT_ADDRESS = Context.key("nova-client-address");

    private Callers() {}

    /** The caller, if the call carried a valid access token. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CALLER.get());
    }

    /** The address of the client the call came from (for per-client limits), or "unknown". */
    public static String clientAddress() {
        String address = CLIENT_ADDRESS.get();
        return address == null ? "unknown" : address;
    }

    /** The caller, or UNAUTHENTICATED for a call without a valid access token. */
    public static Caller require() {
        Caller caller = CALLER.get();
        if (caller == null) {
            throw NovaException.unauthenticated("this call needs an access token (authorization: Bearer <token>)");
        }
        return caller;
    }
}
