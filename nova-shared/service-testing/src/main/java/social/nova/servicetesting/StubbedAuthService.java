package social.nova.servicetesting;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;

/**
 * auth-service, as the other services' tests need it: an ES256 key ring of its own, published by a
 * registered stub of {@code AuthService/GetPublicKeys} (what nova-auth-client fetches), and access
 * tokens signed with it by crypto-core's {@link JwtSigner}, the signer auth-service itself uses
 * (default issuer, audience and lifetime), so a service verifies them exactly as it verifies real ones.
 */
public final class StubbedAuthService implements AutoCloseable {
    /** How long callers may cache the key set, as auth-service announces by default. */
    static final long MAX_AGE_SECONDS = 300;

    private final RegisteredStub stub;
    private final JwtSigner signer;

    private StubbedAuthService(RegisteredStub stub, JwtSigner signer) {
        this.stub = stub;
        this.signer = signer;
    }

    /**
     * Starts it for {@code consumer} (the service under test; {@code null}: no contract) and
     * registers it in {@code consul}.
     */
    public static StubbedAuthService start(String consumer, ConsulContainer consul) {
        return start(consumer, consul, Duration.ofSeconds(MAX_AGE_SECONDS));
    }

    /** As {@link #start(String, ConsulContainer)}, announcing {@code keysMaxAge} as the key set's cache lifetime. */
    public static StubbedAuthService start(String consumer, ConsulContainer consul, Duration keysMaxAge) {
        JwtSettings settings = JwtSettings.defaults();
        KeyRing keys = KeyRing.generate(settings, Clock.systemUTC());
        RegisteredStub stub =
                RegisteredStub.start("auth-service", AuthServiceGrpc.getServiceDescriptor(), consumer, consul);
        stub.stubs()
                .stub(AuthServiceGrpc.getGetPublicKeysMethod())
                .describedAs("publishes the key set that verifies access tokens")
                .willReturn(GetPublicKeysResponse.newBuilder()
                        .setJwksJson(keys.jwksJson())
                        .setMaxAgeSeconds(keysMaxAge.toSeconds())
                        .build());
        return new StubbedAuthService(stub, new JwtSigner(keys, settings, Clock.systemUTC()));
    }

    /** An access token of {@code userId} with a session of its own, as auth-service issues at login. */
    public String accessToken(String userId) {
        return signer.issue(userId, UUID.randomUUID().toString(), List.of()).token();
    }

    /** The stub server, for more stubs of AuthService or to read its calls. */
    public RegisteredStub stub() {
        return stub;
    }

    @Override
    public void close() {
        stub.close();
    }
}
