package social.nova.auth;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.helidon.config.Config;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.kit.ForwardedFor;
import social.nova.kit.ForwardingSettings;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/** A real auth-service on the shared PostgreSQL and Redis containers, and clients for it. */
final class AuthFixture implements AutoCloseable {
    /** The service takes a forwarded client address only when signed with it, as the gateway does. */
    static final String FORWARDING_SECRET = "auth-tests-forwarding-secret-0123456789";

    private static final ForwardedFor GATEWAY = ForwardedFor.create(
            new ForwardingSettings(Optional.of(FORWARDING_SECRET), ForwardingSettings.DEFAULT_MAX_AGE));
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final RunningService service;
    final ManagedChannel channel;

    private AuthFixture(Map<String, String> overrides) {
        this(overrides, Clock.systemUTC());
    }

    private AuthFixture(Map<String, String> overrides, Clock clock) {
        service = Main.start(ServiceKit.create(config(overrides)), clock);
        channel = ManagedChannelBuilder.forAddress("localhost", service.port())
                .usePlaintext()
                .build();
    }

    /** One shared instance for the tests that do not need their own. */
    static AuthFixture shared() {
        return Shared.INSTANCE;
    }

    static AuthFixture start(Map<String, String> overrides) {
        return new AuthFixture(overrides);
    }

    /** An instance whose domain runs on {@code clock} (tests move it instead of waiting). */
    static AuthFixture start(Map<String, String> overrides, Clock clock) {
        return new AuthFixture(overrides, clock);
    }

    /** The shared PostgreSQL as its superuser, to look at what auth-service stored. */
    static Jdbi database() {
        var postgres = SharedContainers.postgres();
        return Jdbi.create(postgres.getJdbcUrl(), SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
    }

    /** Config: application.yaml, the shared containers' addresses, test-sized limits, the test's overrides. */
    static Config config(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("auth.passwords.memory-kib", "4096");
        values.put("forwarding.secret", FORWARDING_SECRET);
        values.put("auth.limits.login-per-account.limit", "5");
        values.put("auth.limits.login-per-client.limit", "20");
        values.put("auth.limits.register-per-client.limit", "20");
        // Every instance in the tests sends to the same mail server, as a fleet's instances do: they
        // share the mail outbox, and one pointed elsewhere would claim and hold back the others' mail.
        var mail = SharedContainers.mail();
        values.put("mail.smtp.host", mail.getHost());
        values.put("mail.smtp.port", Integer.toString(mail.getSmtpPort()));
        values.put("mail.relay.poll-interval", "PT0.1S");
        values.putAll(overrides);
        return ServiceConfigs.config(Main.class, "auth", "auth_service", values);
    }

    /** A stub whose calls come from their own client address (so per-client limits do not collide). */
    AuthServiceGrpc.AuthServiceBlockingStub client() {
        return clientFrom("10.0." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250));
    }

    /** A stub whose calls come from {@code address}, forwarded and signed as the gateway does. */
    AuthServiceGrpc.AuthServiceBlockingStub clientFrom(String address) {
        return AuthServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, GATEWAY.signing(() -> address)));
    }

    AuthServiceGrpc.AuthServiceBlockingStub clientWithToken(String accessToken) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + accessToken);
        String address = "10.1.0." + (int) (Math.random() * 250);
        return AuthServiceGrpc.newBlockingStub(ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers), GATEWAY.signing(() -> address)));
    }

    static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@Example.com";
    }

    static String uniqueUsername() {
        return "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        service.stop();
    }

    private static final class Shared {
        static final AuthFixture INSTANCE = ShutdownHooks.closeAtExit(new AuthFixture(Map.of()));
    }
}
