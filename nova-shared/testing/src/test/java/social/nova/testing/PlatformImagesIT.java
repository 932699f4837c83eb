package social.nova.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Each platform image, official or local, works the way Nova's tests and stack use it. */
class PlatformImagesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void consulAnswersLeaderAndServesTheUi() throws Exception {
        URI consul = SharedContainers.consulHttpUri();

        HttpResponse<String> leader = get(consul.resolve("/v1/status/leader"));
        assertThat(leader.statusCode()).isEqualTo(200);
        assertThat(leader.body()).matches("\"[0-9.]+:[0-9]+\"\\s*");

        HttpResponse<String> ui = get(consul.resolve("/ui/"));
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("<html").contains("Consul");
    }

    @Test
    void postgresAcceptsTheConfiguredUserPasswordAndDatabase() throws Exception {
        var postgres = SharedContainers.postgres();
        try (Connection connection = DriverManager.getConnection(
                        postgres.getJdbcUrl(), SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select current_user, current_database()")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(SharedContainers.SUPERUSER);
            assertThat(row.getString(2)).isEqualTo(SharedContainers.DATABASE);
        }
    }

    @Test
    void postgresRefusesAWrongPassword() {
        var postgres = SharedContainers.postgres();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DriverManager.getConnection(postgres.getJdbcUrl(), SharedContainers.SUPERUSER, "wrong")
                                .close())
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void redisAnswersPing() {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            assertThat(redis.ping()).isEqualTo("PONG");
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
