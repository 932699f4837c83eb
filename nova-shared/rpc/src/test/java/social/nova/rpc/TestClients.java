package social.nova.rpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import social.nova.discovery.StaticServiceDirectory;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds {@link NovaClients} over a {@link StaticServiceDirectory} from flat {@code rpc.*} keys. */
final class TestClients {
    static final String TARGET = "echo-service";

    private TestClients() {}

    /** {@code keyValues}: pairs of keys below {@code rpc} and values, e.g. "defaults.retry.max-attempts", "1". */
    static NovaClients create(StaticServiceDirectory directory, SimpleMeterRegistry meters, String... keyValues) {
        return NovaClients.create(rpcConfig(keyValues), directory, meters);
    }

    static Config rpcConfig(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return Config.just(ConfigSources.create(map));
    }

    static StaticServiceDirectory directoryOf(EchoServer... servers) {
        StaticServiceDirectory directory = new StaticServiceDirectory();
        directory.set(
                TARGET,
                List.of(servers).stream().map(server -> server.instance(TARGET)).toList());
        return directory;
    }

    static String call(Channel channel, MethodDescriptor<String, String> method, String request) {
        return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request);
    }

    /** Makes a call that must fail with {@code expected}, and returns the failure. */
    static StatusRuntimeException failure(
            Channel channel, MethodDescriptor<String, String> method, Status.Code expected) {
        try {
            String reply = call(channel, method, "x");
            throw new AssertionError("expected " + expected + " but the call returned " + reply);
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(expected);
            return e;
        }
    }
}
