package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import social.nova.harness.GatewayApi.Account;
import social.nova.harness.NovaStack.Completed;
import social.nova.harness.ToolImages.ToolImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gRPC client that is not Java talks to every service: Debian's python3-grpcio (gRPC C-core, the
 * client that once got {@code GOAWAY PROTOCOL_ERROR} from Helidon) runs in a container on the
 * stack's network ({@code nova-harness/images/python-grpc-client}, built on demand and reused) and
 * calls, per service, {@code grpc.health.v1.Health/Check} for the service's name and one real RPC of
 * its contract with a real access token, each printed as one JSON line. The same client also runs
 * on this machine, finding every service through Consul alone.
 *
 * <p>Order 2, with {@link DiscoveryIT}: neither changes the stack for the other (DiscoveryIT brings
 * back the instance it stops), so either may run first; both after ContractsIT, before the load.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class PythonClientIT {
    private static final System.Logger LOG = System.getLogger(PythonClientIT.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The client makes 21 calls, each answered in milliseconds (10 s deadline); its interpreter starts in well under a second. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);

    private static final Duration READ_SIDE_TIMEOUT = Duration.ofSeconds(20);
    private static final String HEALTH_CHECK = "grpc.health.v1.Health/Check";
    /** Debian's interpreter: its dist-packages hold python3-grpcio ({@code ./nova doctor} installs it). */
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";
    /** Each service the client calls, with the option that gives it the service's address. */
    private static final Map<String, String> SERVICES = new LinkedHashMap<>();
    /** The size of the one-pixel PNG the client uploads to media-service (nova_client.py's PIXEL_PNG). */
    private static final long PIXEL_PNG_BYTES = 69;

    static {
        SERVICES.put("auth-service", "--auth");
        SERVICES.put("user-service", "--user");
        SERVICES.put("content-service", "--content");
        SERVICES.put("feed-service", "--feed");
        SERVICES.put("search-service", "--search");
        SERVICES.put("messaging-service", "--messaging");
        SERVICES.put("media-service", "--media");
        SERVICES.put("streaming-service", "--streaming");
        SERVICES.put("api-gateway", "--gateway");
    }

    @Test
    void debiansPythonGrpcClientGetsHealthAndARealAnswerFromEveryService(NovaStack stack) throws Exception {
        Scenario scenario = Scenario.prepare(stack);
        List<String> command = new ArrayList<>();
        for (Map.Entry<String, String> service : SERVICES.entrySet()) {
            ServiceSpec spec = stack.fleet()
                    .service(service.getKey())
                    .orElseThrow(() -> new AssertionError(service.getKey()
                            + " must run (./mvnw install -DskipTests -pl nova-services/" + service.getKey() + ")"));
            // The service's name is an alias of each of its instances on the stack's network.
            command.addAll(List.of(service.getValue(), spec.name() + ":" + spec.port()));
        }
        command.addAll(scenario.arguments());

        long buildStarted = System.nanoTime();
        ToolImage image = new ToolImages(
                        DockerClientFactory.instance().client(),
                        stack.settings().root())
                .pythonGrpcClient();
        LOG.log(
                System.Logger.Level.INFO,
                "{0} {1} ({2} ms)",
                image.built() ? "BUILT" : "OK",
                image.tag(),
                (System.nanoTime() - buildStarted) / 1_000_000);
        Completed run = stack.runToCompletion(
                "python-grpc-client",
                image.tag(),
                Map.of("NOVA_ACCESS_TOKEN", scenario.account().accessToken()),
                command,
                CLIENT_TIMEOUT);
        LOG.log(System.Logger.Level.INFO, "python-grpc-client exited with {0}:\n{1}", run.exitCode(), run.output());

        Output output = Output.of(run);
        assertThat(output.found())
                .as("no address was looked up: all were given")
                .isEmpty();
        scenario.assertEveryServiceAnswered(output);
    }

    /**
     * The same client, run on this machine by Debian's own Python with stubs that Debian's protoc
     * and grpc_python_plugin generate here ({@code generate-stubs.sh}, as the README shows a
     * downstream team), given nothing but Consul's address: it finds every service through Consul's
     * health API, at the tagged address {@code wan} each instance registered for this machine.
     */
    @Test
    void fromThisMachineThePythonClientFindsEveryServiceThroughConsul(NovaStack stack) throws Exception {
        Scenario scenario = Scenario.prepare(stack);
        Path client = stack.settings().root().resolve("nova-harness/images/python-grpc-client");
        Path stubs = stack.settings().root().resolve("nova-harness/target/python-host-client");
        Completed generated = run(
                List.of(
                        "sh",
                        client.resolve("generate-stubs.sh").toString(),
                        stubs.toString(),
                        stack.settings()
                                .root()
                                .resolve("contracts/src/main/proto")
                                .toString()),
                Map.of());
        assertThat(generated.exitCode())
                .as("generate-stubs.sh (./nova doctor installs protoc and grpc_python_plugin):%n%s", generated.output())
                .isZero();

        List<String> command = new ArrayList<>(List.of(
                DEBIAN_PYTHON,
                client.resolve("nova_client.py").toString(),
                "--consul",
                stack.consulUri().toString()));
        command.addAll(scenario.arguments());
        Completed run = run(
                command,
                Map.of(
                        "PYTHONPATH",
                        stubs.toString(),
                        "NOVA_ACCESS_TOKEN",
                        scenario.account().accessToken(),
                        "PYTHONDONTWRITEBYTECODE",
                        "1"));
        LOG.log(
                System.Logger.Level.INFO,
                "python client on this machine exited with {0}:\n{1}",
                run.exitCode(),
                run.output());

        Output output = Output.of(run);
        assertThat(output.found().keySet())
                .as("every service found through Consul")
                .containsExactlyInAnyOrderElementsOf(SERVICES.keySet());
        for (Map.Entry<String, JsonNode> found : output.found().entrySet()) {
            List<String> published = stack.instances(found.getKey()).stream()
                    .map(instance -> stack.settings().publishedAddress() + ":" + instance.hostPort())
                    .toList();
            assertThat(found.getValue().path("found").asText())
                    .as("%s: the address of one of its instances as " + "published on this machine", found.getKey())
                    .isIn(published);
            assertThat(found.getValue().path("address").asText()).isEqualTo(ConsulHealth.HOST_ADDRESS_TAG);
        }
        scenario.assertEveryServiceAnswered(output);
    }

    private static Completed run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        // The output is small (a line per call); read it whole once the process ends or is stopped.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!process.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.getFirst() + " did not end within " + CLIENT_TIMEOUT + ": "
                    + output.getNow("(no output yet)"));
        }
        return new Completed(process.exitValue(), output.get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    /** What the client printed: its first line, one line per call, one per address it looked up. */
    private record Output(Completed run, JsonNode client, Map<String, JsonNode> calls, Map<String, JsonNode> found) {
        static Output of(Completed run) throws JsonProcessingException {
            Map<String, JsonNode> calls = new LinkedHashMap<>();
            Map<String, JsonNode> found = new LinkedHashMap<>();
            JsonNode client = null;
            for (JsonNode line : jsonLines(run.output())) {
                if (line.has("client")) {
                    client = line;
                } else if (line.has("found")) {
                    found.put(line.path("service").asText(), line);
                } else {
                    calls.put(
                            line.path("service").asText() + " "
                                    + line.path("rpc").asText(),
                            line);
                }
            }
            return new Output(run, client, calls, found);
        }
    }

    /** A signed-up user with a post, in their feed and in search: what the client's calls ask for. */
    private record Scenario(Account account, String postId, String text) {
        static Scenario prepare(NovaStack stack) throws Exception {
            GatewayApi gateway = GatewayApi.of(stack, REQUEST_TIMEOUT);
            Account ada = gateway.signUp("py");
            String text = "hello from C-core, " + ada.username();
            String postId = gateway.post(ada, text);
            // feed and search follow from events: the post and the user are there before the client asks.
            await("the post in ada's feed and ada in search")
                    .atMost(READ_SIDE_TIMEOUT)
                    .until(() -> gateway.get("/api/v1/feed", ada.accessToken())
                                    .body()
                                    .path("items")
                                    .toString()
                                    .contains(postId)
                            && gateway.get("/api/v1/search/users?q=" + ada.username(), ada.accessToken())
                                    .body()
                                    .path("items")
                                    .toString()
                                    .contains(ada.userId()));
            return new Scenario(ada, postId, text);
        }

        List<String> arguments() {
            return List.of("--user-id", account.userId(), "--post-id", postId, "--username", account.username());
        }

        void assertEveryServiceAnswered(Output output) {
            Completed run = output.run();
            Map<String, JsonNode> calls = output.calls();
            assertThat(run.exitCode())
                    .as("exit code of the Python client, which printed:%n%s", run.output())
                    .isZero();
            assertThat(output.client()).as("the client's first line").isNotNull();
            assertThat(output.client().path("client").asText()).isEqualTo("python3-grpcio");
            assertThat(output.client().path("grpc_version").asText())
                    .as("gRPC C-core's version")
                    .matches("\\d+\\.\\d+.*");

            for (String service : SERVICES.keySet()) {
                JsonNode health = calls.get(service + " " + HEALTH_CHECK);
                assertThat(health)
                        .as("health check of %s in%n%s", service, run.output())
                        .isNotNull();
                assertThat(health.path("code").asText()).as("%s", health).isEqualTo("OK");
                assertThat(health.path("status").asText()).as("%s", health).isEqualTo("SERVING");
            }
            JsonNode verified = ok(calls, "auth-service nova.auth.v1.AuthService/VerifyToken");
            assertThat(verified.path("user_id").asText()).isEqualTo(account.userId());
            assertThat(verified.path("session_id_set").asBoolean()).isTrue();

            JsonNode profile = ok(calls, "user-service nova.user.v1.UserService/GetUser");
            assertThat(profile.path("id").asText()).isEqualTo(account.userId());
            assertThat(profile.path("username").asText()).isEqualTo(account.username());

            JsonNode post = ok(calls, "content-service nova.content.v1.ContentService/GetPost");
            assertThat(post.path("id").asText()).isEqualTo(postId);
            assertThat(post.path("author_id").asText()).isEqualTo(account.userId());
            assertThat(post.path("text").asText()).isEqualTo(text);

            assertThat(ok(calls, "feed-service nova.feed.v1.FeedService/GetFeed")
                            .path("post_ids"))
                    .extracting(JsonNode::asText)
                    .contains(postId);
            assertThat(ok(calls, "search-service nova.search.v1.SearchService/SearchUsers")
                            .path("user_ids"))
                    .extracting(JsonNode::asText)
                    .contains(account.userId());

            JsonNode unread = ok(calls, "messaging-service nova.messaging.v1.MessagingService/GetUnreadCount");
            assertThat(unread.path("unread_messages").asLong())
                    .as("a new user has no messages")
                    .isZero();

            JsonNode media = ok(calls, "media-service nova.media.v1.MediaService/Upload");
            assertThat(media.path("owner_id").asText()).isEqualTo(account.userId());
            assertThat(media.path("content_type").asText()).isEqualTo("image/png");
            assertThat(media.path("size_bytes").asLong()).isEqualTo(PIXEL_PNG_BYTES);

            JsonNode started = ok(calls, "streaming-service nova.streaming.v1.StreamingService/StartStream");
            assertThat(started.path("owner_id").asText()).isEqualTo(account.userId());
            assertThat(started.path("status").asText()).isEqualTo("STREAM_STATUS_STARTING");
            assertThat(started.path("stream_key_set").asBoolean()).isTrue();
            assertThat(ok(calls, "streaming-service nova.streaming.v1.StreamingService/WatchStream")
                            .path("status")
                            .asText())
                    .as("a server stream's first message, to a C-core client")
                    .isEqualTo("STREAM_STATUS_STARTING");
            assertThat(ok(calls, "streaming-service nova.streaming.v1.StreamingService/EndStream")
                            .path("status")
                            .asText())
                    .isEqualTo("STREAM_STATUS_ENDED");

            JsonNode services = ok(calls, "api-gateway nova.gateway.v1.DiscoveryService/ListServices");
            List<String> discovered = new ArrayList<>();
            services.path("services").forEach(name -> discovered.add(name.asText()));
            assertThat(discovered)
                    .contains(
                            "auth-service",
                            "user-service",
                            "content-service",
                            "feed-service",
                            "search-service",
                            "messaging-service",
                            "media-service",
                            "streaming-service");

            assertThat(calls)
                    .as("one line per call: a health check and one RPC per service, two more for streaming-service")
                    .hasSize(2 * SERVICES.size() + 2);
        }
    }

    private static JsonNode ok(Map<String, JsonNode> calls, String call) {
        JsonNode line = calls.get(call);
        assertThat(line).as("the line of %s", call).isNotNull();
        assertThat(line.path("code").asText()).as("%s", line).isEqualTo("OK");
        assertThat(line.has("problem")).as("%s", line).isFalse();
        return line;
    }

    /** The JSON objects among the lines the client wrote (stderr's diagnostics are not JSON). */
    private static List<JsonNode> jsonLines(String output) throws JsonProcessingException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line :
                output.lines().map(String::strip).filter(l -> l.startsWith("{")).toList()) {
            lines.add(GatewayApi.JSON.readTree(line));
        }
        return lines;
    }
}
