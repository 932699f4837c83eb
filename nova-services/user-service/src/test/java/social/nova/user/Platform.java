package social.nova.user;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.SharedContainers;

import static org.awaitility.Awaitility.await;

/**
 * A real auth-service and user-service in this JVM, on the shared PostgreSQL, Redis and Consul
 * containers. auth-service registers in Consul, where user-service's resilient client finds it
 * (the only way nova-rpc resolves a service), and publishes UserRegistered through its outbox.
 */
final class Platform implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    final RunningService auth;
    final RunningService users;
    private final ManagedChannel authChannel;
    private final ManagedChannel userChannel;

    /** A registered, logged-in user. */
    record User(String id, String username, String email, String accessToken) {
    }

    private Platform(Map<String, String> userOverrides) {
        Map<String, String> authConfig = new HashMap<>(ServiceConfigs.registeredInConsul());
        authConfig.put("auth.passwords.memory-kib", "4096");
        authConfig.put("auth.limits.register-per-client.limit", "10000");
        authConfig.put("auth.limits.login-per-client.limit", "10000");
        auth = social.nova.auth.Main.start(ServiceKit.create(
                ServiceConfigs.config(social.nova.auth.Main.class, "auth", "auth_service", authConfig)));
        Map<String, String> userConfig = new HashMap<>();
        userConfig.put("consul.url", SharedContainers.consulHttpUri().toString());
        userConfig.put("user.registrations.claim-min-idle", "PT1S");
        userConfig.put("user.registrations.claim-interval", "PT0.5S");
        userConfig.putAll(userOverrides);
        users = Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "users", "users_service", userConfig)));
        String authHost = authConfig.get("server.host");
        authChannel = ManagedChannelBuilder.forAddress(authHost, auth.port()).usePlaintext().build();
        userChannel = ManagedChannelBuilder.forAddress("127.0.0.1", users.port()).usePlaintext().build();
        awaitPassingInConsul("auth-service");
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(authChannel);
    }

    /** user-service as {@code user} calls it. */
    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return usersWithToken(user.accessToken());
    }

    UserServiceGrpc.UserServiceBlockingStub usersWithToken(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return UserServiceGrpc.newBlockingStub(ClientInterceptors.intercept(userChannel,
                MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAnonymously() {
        return UserServiceGrpc.newBlockingStub(userChannel);
    }

    /** Registers and logs in a new user through auth-service (its profile arrives by event). */
    User register() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String username = "u_" + suffix;
        String email = "user-" + suffix + "@example.com";
        String id = auth().register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD)
                .setUsername(username).setDisplayName("User " + suffix.substring(0, 6)).build()).getUserId();
        String token = auth().login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new User(id, username, email, token);
    }

    /** A new user whose profile user-service already has. */
    User registerWithProfile() {
        User user = register();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> usersAs(user).getUser(GetUserRequest.newBuilder().setUserId(user.id()).build()) != null);
        return user;
    }

    private static void awaitPassingInConsul(String service) {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = SharedContainers.consulHttpUri().resolve("/v1/health/service/" + service + "?passing");
        ObjectMapper json = new ObjectMapper();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && !json.readTree(response.body()).isEmpty();
        });
    }

    @Override
    public void close() throws InterruptedException {
        userChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        authChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final Platform INSTANCE = new Platform(Map.of());

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    INSTANCE.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }
}
