package social.nova.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.grpc.stub.StreamObserver;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.ServiceConfigs;

/**
 * A user-service that is up (its checks pass) but never answers in time: the case of a service
 * stuck on a lock or an overloaded database. Started on the real service kit, so Consul and the
 * gateway see it exactly as the real one.
 */
final class SlowUserService extends UserServiceGrpc.UserServiceImplBase {
    private final Duration delay;

    private SlowUserService(Duration delay) {
        this.delay = delay;
    }

    static RunningService start(ConsulContainer consul, Duration delay) {
        Map<String, String> values = new HashMap<>(ServiceConfigs.registeredIn(consul));
        values.put("service.name", "user-service");
        values.put("server.port", "0");
        values.put("shutdown.propagation-delay", "PT0S");
        values.put("shutdown.drain-timeout", "PT0.1S");
        Config config = Config.builder()
                .sources(ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return ServiceKit.create(config).start(new SlowUserService(delay));
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException callCancelled) {
            // The caller's deadline passed and the server gave up on the call: nobody to answer.
            Thread.currentThread().interrupt();
            return;
        }
        response.onNext(GetUserResponse.getDefaultInstance());
        response.onCompleted();
    }
}
