package social.nova.kit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.helidon.config.Config;
import social.nova.discovery.ConsulRegistrar;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceRegistration;

/**
 * This instance's registration in Consul, kept alive by the registrar until shutdown.
 *
 * <p>Config: {@code consul.register} (default true), {@code service.advertise-address} (the
 * address Consul's checks and callers dial; default this host's address), {@code service.tags}
 * (default {@code [grpc, nova]}), {@code service.tagged-addresses} (Consul tagged addresses,
 * {@code key: host:port}; {@code ./nova up} and the harness set {@code wan} to the port the
 * instance is published on to the Docker host, so a process there finds it through Consul too).
 */
final class ConsulPresence implements AutoCloseable {
    static final ConsulPresence NONE = new ConsulPresence(null);

    private final ConsulRegistrar registrar;

    private ConsulPresence(ConsulRegistrar registrar) {
        this.registrar = registrar;
    }

    static ConsulPresence register(ServiceKit kit, int port) {
        Config config = kit.config();
        if (!config.get("consul.register").asBoolean().orElse(true)) {
            return NONE;
        }
        ServiceInfo info = kit.info();
        String address = config.get("service.advertise-address").asString().orElseGet(ConsulPresence::hostAddress);
        InstanceRegistration.Builder registration = InstanceRegistration.builder(info.name())
                // One id per address and port: a process restarted in place (a crashed container that
                // Docker restarts) replaces its own registration instead of leaving a twin whose
                // checks pass against the new process.
                .instanceId(config.get("service.instance-id")
                        .asString()
                        .orElseGet(() -> instanceId(info.name(), address, port)))
                .address(address)
                .port(port)
                .tags(config.get("service.tags").asList(String.class).orElse(List.of("grpc", "nova")))
                .version(info.version())
                .gitCommit(info.gitCommit())
                .protoPackage(info.protoPackage())
                .owner(info.owner())
                .grpcHealthService(info.name());
        config.get("service.tagged-addresses")
                .asNodeList()
                .orElse(List.of())
                .forEach(node -> registration.taggedAddress(
                        node.name(),
                        InstanceRegistration.TaggedAddress.parse(node.asString().get())));
        ConsulRegistrar registrar = ConsulRegistrar.create(
                ConsulSettings.create(config.get("consul")), registration.build(), kit.meterRegistry());
        registrar.register();
        return new ConsulPresence(registrar);
    }

    static String instanceId(String service, String address, int port) {
        return (service + "-" + address + "-" + port).replaceAll("[^A-Za-z0-9._:-]", "_");
    }

    /** Leaves Consul at once (first step of graceful shutdown). */
    void deregister() {
        if (registrar != null) {
            registrar.deregister();
        }
    }

    @Override
    public void close() {
        if (registrar != null) {
            registrar.close();
        }
    }

    private static String hostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot determine this host's address; set service.advertise-address", e);
        }
    }
}
