package social.nova.discovery;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.model.health.ImmutableNode;
import org.kiwiproject.consul.model.health.ImmutableService;
import org.kiwiproject.consul.model.health.ImmutableServiceHealth;
import org.kiwiproject.consul.model.health.ServiceHealth;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulInstancesTest {

    @Test
    void mapsIdAddressPortTagsAndMetaOrderedById() {
        List<ServiceInstance> instances =
                ConsulInstances.from(List.of(entry("feed-b", "10.0.0.2", 9001), entry("feed-a", "10.0.0.1", 9000)));

        assertThat(instances)
                .containsExactly(
                        new ServiceInstance(
                                "feed-a", "feed", "10.0.0.1", 9000, List.of("grpc"), Map.of("version", "2")),
                        new ServiceInstance(
                                "feed-b", "feed", "10.0.0.2", 9001, List.of("grpc"), Map.of("version", "2")));
    }

    @Test
    void aServiceWithoutAddressIsReachedAtItsNode() {
        assertThat(ConsulInstances.from(entry("feed-a", "", 9000)).address()).isEqualTo("192.0.2.10");
    }

    private static ServiceHealth entry(String id, String address, int port) {
        return ImmutableServiceHealth.builder()
                .node(ImmutableNode.builder()
                        .node("node-1")
                        .address("192.0.2.10")
                        .build())
                .service(ImmutableService.builder()
                        .id(id)
                        .service("feed")
                        .address(address)
                        .port(port)
                        .addTags("grpc")
                        .putMeta("version", "2")
                        .build())
                .build();
    }
}
