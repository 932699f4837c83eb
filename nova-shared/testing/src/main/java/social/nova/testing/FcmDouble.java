package social.nova.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A test double of Google's side of Firebase Cloud Messaging, and of that only: the OAuth2 token
 * endpoint a service account exchanges its signed assertion at, and the FCM HTTP v1
 * {@code messages:send} endpoint. Google cannot be reached from Nova's machines, so tests and the
 * harness send real HTTP requests here instead. It is not a fake of any Nova code.
 *
 * <p>What it checks, as Google does:
 * <ul>
 *   <li>{@code POST /token} ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}): the
 *       assertion's RS256 signature against the public key of a service account it trusts, its
 *       {@code kid}, {@code iss}, {@code aud} (this endpoint), the {@code firebase.messaging} scope,
 *       {@code iat}/{@code exp} (at most one hour apart, not expired). It answers a random access
 *       token with {@code expires_in} ({@link #accessTokenLifetime(Duration)}).</li>
 *   <li>{@code POST /v1/projects/{project}/messages:send}: {@code Authorization: Bearer} is an access
 *       token it issued and that has not expired (else 401 {@code UNAUTHENTICATED}); the payload is
 *       {@code {"message":{"token":..., "notification":{title, body, image}, "data":{string: string},
 *       "android":{...}, "apns":{...}}}} (else 400 {@code INVALID_ARGUMENT} with a
 *       {@code google.rpc.BadRequest} naming the field). It answers {@code {"name":
 *       "projects/<p>/messages/<id>"}} and records the message.</li>
 * </ul>
 * Errors have FCM's shape: {@code {"error":{"code", "message", "status", "details":[{"@type":
 * "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode"}]}}}.
 *
 * <p>Tests steer it: {@link #unregistered} and {@link #invalidTokens} name device tokens it refuses
 * (404 {@code UNREGISTERED}, 400 {@code INVALID_ARGUMENT}), {@link #throttleNext},
 * {@link #unavailableNext} and {@link #failNext} fail the next sends, {@link #expireIssuedTokens}
 * expires every access token issued so far. {@link #messages()} and {@link #refusals()} are what it
 * received and what it refused, with why. Its times come from the {@link Clock} it is given, so a
 * test with a {@link MutableClock} expires tokens without waiting.
 *
 * <p>{@link #main} runs it on its own (a container of the harness): {@code GET /_double/messages},
 * {@code /_double/refusals} and {@code /_double/service-account} (the throw-away account it trusts).
 */
public final class FcmDouble implements AutoCloseable {
    /** The OAuth2 scope FCM requires. */
    public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
    private static final Set<String> MESSAGE_FIELDS =
            Set.of("token", "notification", "data", "android", "apns", "webpush", "fcm_options", "name");
    private static final Set<String> NOTIFICATION_FIELDS = Set.of("title", "body", "image");
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String projectId;
    private final Clock clock;
    private final URI baseUri;
    private final TestServiceAccount serviceAccount;
    private final Map<String, TrustedAccount> trusted = new ConcurrentHashMap<>();
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
    private final Set<String> invalid = ConcurrentHashMap.newKeySet();
    private final Queue<InjectedFailure> failures = new ConcurrentLinkedQueue<>();
    private final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);

    /** A message the double accepted. */
    public record ReceivedMessage(String name, String token, JsonNode message, String accessToken, Instant at) {
        /** {@code message.notification.title}, or null. */
        public String title() {
            return text(message.path("notification").path("title"));
        }

        /** {@code message.notification.body}, or null. */
        public String body() {
            return text(message.path("notification").path("body"));
        }

        /** {@code message.data} as a map (empty without data). */
        public Map<String, String> data() {
            Map<String, String> data = new HashMap<>();
            message.path("data")
                    .properties()
                    .forEach(entry -> data.put(entry.getKey(), entry.getValue().asText()));
            return data;
        }

        private static String text(JsonNode node) {
            return node.isTextual() ? node.asText() : null;
        }
    }

    /** A request the double refused: where, with which HTTP status, and why. */
    public record Refusal(String path, int status, String reason, Instant at) {}

    private record TrustedAccount(RSAPublicKey publicKey, String keyId) {}

    private record InjectedFailure(int status, String retryAfter) {}

    private FcmDouble(String projectId, InetSocketAddress address, IntFunction<URI> publicUri, Clock clock)
            throws IOException {
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = HttpServer.create(address, 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/token", exchange -> handle(exchange, this::token));
        server.createContext("/v1/", exchange -> handle(exchange, this::send));
        server.createContext("/_double/", exchange -> handle(exchange, this::control));
        this.baseUri = publicUri.apply(server.getAddress().getPort());
        this.serviceAccount = TestServiceAccount.generate(projectId, tokenUri());
        trust(serviceAccount);
        server.start();
    }

    /** A double of project {@code projectId} on a free loopback port, on the system clock. */
    public static FcmDouble start(String projectId) {
        return start(projectId, Clock.systemUTC());
    }

    /** A double of project {@code projectId} on a free loopback port, its times from {@code clock}. */
    public static FcmDouble start(String projectId, Clock clock) {
        try {
            return new FcmDouble(
                    projectId,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    port -> URI.create(
                            "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port),
                    clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the FCM double", e);
        }
    }

    /**
     * A double that containers reach: on a free port of every interface of this host, its URLs
     * (endpoint, the service account's {@code token_uri}) naming {@code host}, the name containers
     * know this host by (nova-harness gives its containers {@code host.docker.internal}, Docker's
     * {@code host-gateway}).
     */
    public static FcmDouble startReachableAs(String projectId, String host) {
        try {
            return new FcmDouble(
                    projectId,
                    new InetSocketAddress(0),
                    port -> URI.create("http://" + host + ":" + port),
                    Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the FCM double", e);
        }
    }

    /**
     * Runs the double on its own until the JVM stops. Arguments (or environment): port
     * ({@code FCM_DOUBLE_PORT}, default 8080), project ({@code FCM_DOUBLE_PROJECT}, default
     * {@code nova-dev}); {@code FCM_DOUBLE_PUBLIC_URL} is the base URL others reach it at (the
     * {@code token_uri} of its service account; default {@code http://localhost:<port>});
     * {@code FCM_DOUBLE_SERVICE_ACCOUNT} the file of one more service account to trust.
     */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : env("FCM_DOUBLE_PORT", "8080"));
        String project = args.length > 1 ? args[1] : env("FCM_DOUBLE_PROJECT", "nova-dev");
        URI publicUri = URI.create(env("FCM_DOUBLE_PUBLIC_URL", "http://localhost:" + port));
        FcmDouble fcm = new FcmDouble(project, new InetSocketAddress(port), bound -> publicUri, Clock.systemUTC());
        String extra = System.getenv("FCM_DOUBLE_SERVICE_ACCOUNT");
        if (extra != null && !extra.isBlank()) {
            fcm.trust(Files.readString(Path.of(extra)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(fcm::close));
        System.out.println("FCM double of project " + project + " listening on " + port + ", token_uri "
                + fcm.tokenUri() + " (GET /_double/service-account for its service account)");
    }

    /** Base URI, the FCM endpoint a client is configured with ({@code fcm.endpoint}). */
    public URI endpoint() {
        return baseUri;
    }

    /** Where service accounts exchange assertions: the {@code token_uri} of {@link #serviceAccount()}. */
    public URI tokenUri() {
        return baseUri.resolve("/token");
    }

    public String projectId() {
        return projectId;
    }

    /** A throw-away service account the double trusts, whose {@code token_uri} is this double. */
    public TestServiceAccount serviceAccount() {
        return serviceAccount;
    }

    /** Trusts another service account's public key (its assertions are accepted). */
    public FcmDouble trust(TestServiceAccount account) {
        trusted.put(account.clientEmail(), new TrustedAccount(account.publicKey(), account.privateKeyId()));
        return this;
    }

    /** Trusts the account of a service-account JSON file's content (its public key, derived). */
    public FcmDouble trust(String serviceAccountJson) {
        try {
            JsonNode json = JSON.readTree(serviceAccountJson);
            String pem = json.path("private_key").asText();
            byte[] der = Base64.getMimeDecoder()
                    .decode(pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
            RSAPrivateCrtKey key =
                    (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            trusted.put(
                    json.path("client_email").asText(),
                    new TrustedAccount(publicKey, json.path("private_key_id").asText()));
            return this;
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a service account with an RSA private key", e);
        }
    }

    /** The {@code expires_in} of access tokens issued from now on (default one hour). */
    public FcmDouble accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
        return this;
    }

    /** Device tokens answered 404 {@code UNREGISTERED} (the app was uninstalled). */
    public FcmDouble unregistered(String... tokens) {
        unregistered.addAll(List.of(tokens));
        return this;
    }

    /** Device tokens answered 400 {@code INVALID_ARGUMENT} (not a valid registration token). */
    public FcmDouble invalidTokens(String... tokens) {
        invalid.addAll(List.of(tokens));
        return this;
    }

    /** The next {@code times} sends are answered 429 {@code QUOTA_EXCEEDED} with {@code Retry-After} in seconds. */
    public FcmDouble throttleNext(int times, Duration retryAfter) {
        return failNext(times, 429, Long.toString(retryAfter.toSeconds()));
    }

    /** The next {@code times} sends are answered 503 {@code UNAVAILABLE}, without {@code Retry-After}. */
    public FcmDouble unavailableNext(int times) {
        return failNext(times, 503, null);
    }

    /** The next {@code times} sends are answered {@code status} with this {@code Retry-After} header (or none). */
    public FcmDouble failNext(int times, int status, String retryAfter) {
        for (int i = 0; i < times; i++) {
            failures.add(new InjectedFailure(status, retryAfter));
        }
        return this;
    }

    /** Every access token issued so far is expired from now on (a send with one gets a 401). */
    public void expireIssuedTokens() {
        issued.replaceAll((token, expiry) -> Instant.MIN);
    }

    /** How many access tokens the token endpoint issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** The messages accepted, oldest first. */
    public List<ReceivedMessage> messages() {
        return List.copyOf(messages);
    }

    /** The requests refused (including injected failures), oldest first. */
    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** Forgets what was received and refused and every instruction (tokens stay valid). */
    public void reset() {
        messages.clear();
        refusals.clear();
        failures.clear();
        unregistered.clear();
        invalid.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private interface Handler {
        Answer handle(HttpExchange exchange, String body) throws IOException;
    }

    private record Answer(int status, Object body, Map<String, String> headers, String refusedBecause) {
        static Answer ok(Object body) {
            return new Answer(200, body, Map.of(), null);
        }
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Answer answer;
            try {
                answer = handler.handle(exchange, body);
            } catch (RuntimeException e) {
                answer = fcmError(500, "INTERNAL", "double failed: " + e, null, null);
            }
            if (answer.refusedBecause() != null) {
                refusals.add(new Refusal(
                        exchange.getRequestURI().getPath(), answer.status(), answer.refusedBecause(), clock.instant()));
            }
            byte[] bytes = JSON.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            answer.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    // ---- the OAuth2 token endpoint -------------------------------------------------------------

    private Answer token(HttpExchange exchange, String body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return oauthError(405, "invalid_request", "POST only");
        }
        Map<String, String> form = form(body);
        if (!JWT_BEARER.equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
        }
        String problem = assertionProblem(form.get("assertion"));
        if (problem != null) {
            return oauthError(400, "invalid_grant", problem);
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String accessToken =
                "ya29.double-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Duration lifetime = accessTokenLifetime;
        issued.put(accessToken, clock.instant().plus(lifetime));
        tokensIssued.incrementAndGet();
        return Answer.ok(
                Map.of("access_token", accessToken, "expires_in", lifetime.toSeconds(), "token_type", "Bearer"));
    }

    /** Why the assertion is refused, or null. */
    private String assertionProblem(String assertion) {
        if (assertion == null || assertion.isBlank()) {
            return "no assertion";
        }
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
                return "Invalid JWT: alg " + jwt.getHeader().getAlgorithm() + ", not RS256";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            TrustedAccount account = claims.getIssuer() == null ? null : trusted.get(claims.getIssuer());
            if (account == null) {
                return "Invalid JWT: unknown issuer " + claims.getIssuer();
            }
            if (!account.keyId().equals(jwt.getHeader().getKeyID())) {
                return "Invalid JWT: kid " + jwt.getHeader().getKeyID() + " is not the account's key";
            }
            if (!jwt.verify(new RSASSAVerifier(account.publicKey()))) {
                return "Invalid JWT Signature.";
            }
            if (!claims.getAudience().equals(List.of(tokenUri().toString()))) {
                return "Invalid JWT: aud " + claims.getAudience() + " is not " + tokenUri();
            }
            Object scope = claims.getClaim("scope");
            if (!(scope instanceof String scopes) || !List.of(scopes.split(" ")).contains(SCOPE)) {
                return "Invalid JWT: scope " + scope + " lacks " + SCOPE;
            }
            if (claims.getIssueTime() == null || claims.getExpirationTime() == null) {
                return "Invalid JWT: iat and exp are required";
            }
            Instant now = clock.instant();
            Instant iat = claims.getIssueTime().toInstant();
            Instant exp = claims.getExpirationTime().toInstant();
            if (Duration.between(iat, exp).compareTo(Duration.ofHours(1)) > 0 || !exp.isAfter(iat)) {
                return "Invalid JWT: exp must be after iat, by at most one hour";
            }
            if (!exp.isAfter(now) || iat.isAfter(now.plus(CLOCK_SKEW))) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe";
            }
            return null;
        } catch (ParseException | JOSEException e) {
            return "Invalid JWT: " + e.getMessage();
        }
    }

    private static Answer oauthError(int status, String error, String description) {
        return new Answer(
                status, Map.of("error", error, "error_description", description), Map.of(), error + ": " + description);
    }

    // ---- FCM HTTP v1 messages:send ---------------------------------------------------------------

    private Answer send(HttpExchange exchange, String body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String expected = "/v1/projects/" + projectId + "/messages:send";
        if (!path.equals(expected)) {
            return path.endsWith("/messages:send")
                    ? fcmError(
                            403,
                            "PERMISSION_DENIED",
                            "not this double's project " + projectId,
                            "SENDER_ID_MISMATCH",
                            null)
                    : fcmError(404, "NOT_FOUND", "no such method: " + path, null, null);
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            return fcmError(405, "INVALID_ARGUMENT", "POST only", null, null);
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return fcmError(
                    401, "UNAUTHENTICATED", "Request is missing required authentication credential", null, null);
        }
        String accessToken = authorization.substring("Bearer ".length()).trim();
        Instant expiry = issued.get(accessToken);
        if (expiry == null || !expiry.isAfter(clock.instant())) {
            return fcmError(
                    401,
                    "UNAUTHENTICATED",
                    "Request had invalid authentication credentials (" + (expiry == null ? "unknown" : "expired")
                            + " access token)",
                    null,
                    null);
        }
        InjectedFailure failure = failures.poll();
        if (failure != null) {
            Answer answer = failure.status() == 429
                    ? fcmError(429, "RESOURCE_EXHAUSTED", "injected: quota exceeded", "QUOTA_EXCEEDED", null)
                    : fcmError(failure.status(), "UNAVAILABLE", "injected: unavailable", "UNAVAILABLE", null);
            return failure.retryAfter() == null
                    ? answer
                    : new Answer(
                            answer.status(),
                            answer.body(),
                            Map.of("Retry-After", failure.retryAfter()),
                            answer.refusedBecause());
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            return fcmError(400, "INVALID_ARGUMENT", "Content-Type must be application/json", null, null);
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return fcmError(400, "INVALID_ARGUMENT", "Invalid JSON payload received", null, null);
        }
        JsonNode message = request == null ? null : request.get("message");
        if (message == null || !message.isObject()) {
            return fcmError(400, "INVALID_ARGUMENT", "message is required", "INVALID_ARGUMENT", "message");
        }
        String violation = payloadViolation((ObjectNode) message);
        if (violation != null) {
            String[] fieldAndWhy = violation.split(": ", 2);
            return fcmError(400, "INVALID_ARGUMENT", violation, "INVALID_ARGUMENT", fieldAndWhy[0]);
        }
        String token = message.get("token").asText();
        if (unregistered.contains(token)) {
            return fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED", null);
        }
        if (invalid.contains(token)) {
            return fcmError(
                    400,
                    "INVALID_ARGUMENT",
                    "The registration token is not a valid FCM registration token",
                    "INVALID_ARGUMENT",
                    null);
        }
        String name = "projects/" + projectId + "/messages/" + UUID.randomUUID();
        messages.add(new ReceivedMessage(name, token, message, accessToken, clock.instant()));
        return Answer.ok(Map.of("name", name));
    }

    /** "field: why" for the first field of {@code message} FCM would refuse, or null. */
    private static String payloadViolation(ObjectNode message) {
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MESSAGE_FIELDS.contains(name)) {
                return "message." + name + ": Invalid JSON payload received. Unknown name \"" + name + "\"";
            }
        }
        JsonNode token = message.get("token");
        if (token == null || !token.isTextual() || token.asText().isBlank()) {
            return "message.token: a device token is required (the only target this double knows)";
        }
        JsonNode notification = message.get("notification");
        if (notification != null) {
            if (!notification.isObject()) {
                return "message.notification: must be an object";
            }
            for (var field : notification.properties()) {
                if (!NOTIFICATION_FIELDS.contains(field.getKey())) {
                    return "message.notification." + field.getKey() + ": Unknown name";
                }
                if (!field.getValue().isTextual()) {
                    return "message.notification." + field.getKey() + ": must be a string";
                }
            }
        }
        JsonNode data = message.get("data");
        if (data != null) {
            if (!data.isObject()) {
                return "message.data: must be a map of strings";
            }
            for (var field : data.properties()) {
                if (!field.getValue().isTextual()) {
                    return "message.data." + field.getKey() + ": values must be strings";
                }
            }
        }
        for (String platform : List.of("android", "apns", "webpush", "fcm_options")) {
            JsonNode config = message.get(platform);
            if (config != null && !config.isObject()) {
                return "message." + platform + ": must be an object";
            }
        }
        return null;
    }

    private static Answer fcmError(int status, String grpcStatus, String text, String errorCode, String field) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", status);
        error.put("message", text);
        error.put("status", grpcStatus);
        ArrayNode details = error.putArray("details");
        if (errorCode != null) {
            details.addObject().put("@type", FCM_ERROR).put("errorCode", errorCode);
        }
        if (field != null) {
            ObjectNode violation = details.addObject()
                    .put("@type", BAD_REQUEST)
                    .putArray("fieldViolations")
                    .addObject();
            violation.put("field", field).put("description", text);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("error", error);
        return new Answer(
                status, body, Map.of(), status + " " + (errorCode != null ? errorCode : grpcStatus) + ": " + text);
    }

    // ---- what a harness reads when the double runs on its own --------------------------------------

    private Answer control(HttpExchange exchange, String body) {
        return switch (exchange.getRequestURI().getPath()) {
            case "/_double/messages" -> Answer.ok(messageViews());
            case "/_double/refusals" ->
                Answer.ok(refusals.stream()
                        .map(r -> Map.of(
                                "path", r.path(), "status", r.status(), "reason", r.reason(), "at", r.at().toString()))
                        .toList());
            case "/_double/service-account" -> Answer.ok(readTree(serviceAccount.json()));
            default -> new Answer(404, Map.of("error", "unknown"), Map.of(), null);
        };
    }

    private List<Map<String, Object>> messageViews() {
        List<Map<String, Object>> views = new ArrayList<>();
        for (ReceivedMessage m : messages) {
            views.add(Map.of("name", m.name(), "token", m.token(), "message", m.message(), "at", m.at().toString()));
        }
        return views;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(
                        URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
