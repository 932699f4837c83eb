package social.nova.testing;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** A Redis server (official {@code redis} image or Nova's local stand-in). */
public class RedisContainer extends GenericContainer<RedisContainer> {
    public static final int REDIS_PORT = 6379;

    public RedisContainer(DockerImageName image) {
        super(image);
        addExposedPort(REDIS_PORT);
        waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
    }

    /** Port on the test host that reaches Redis. */
    public int getRedisPort() {
        return getMappedPort(REDIS_PORT);
    }

    /** {@code redis://host:port} as the test host reaches it. */
    public String getRedisUri() {
        return "redis://" + getHost() + ":" + getRedisPort();
    }
}
