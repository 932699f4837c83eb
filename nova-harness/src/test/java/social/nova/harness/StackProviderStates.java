package social.nova.harness;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import social.nova.contracttesting.ContractVerifier;
import social.nova.harness.GatewayApi.Account;

/**
 * The provider states consumer contracts may name, made real on the running stack through the
 * gateway's API, as an app would: each returns the values of the placeholders it provides. A
 * contract naming a state not listed here fails verification with the list of known states; adding
 * a state is adding one line here (and to the table in nova-harness's README).
 */
final class StackProviderStates implements ContractVerifier.ProviderStates {
    /** The read side's promise is 2 s; a loaded stack gets more. */
    private static final Duration READ_SIDE = Duration.ofSeconds(20);

    private final GatewayApi gateway;
    private final Map<String, Function<List<String>, Map<String, String>>> states;

    StackProviderStates(GatewayApi gateway) {
        this.gateway = gateway;
        Map<String, Function<List<String>, Map<String, String>>> states = new java.util.HashMap<>(Map.of(
                "a user exists", provides -> user(signUp()),
                "a user with a password",
                        provides -> {
                            Account account = signUp();
                            return with(user(account), "email", account.email(), "password", account.password());
                        },
                // Read-side states wait until the events have reached feed and search, as an app would.
                "a post in the caller's feed",
                        provides -> {
                            Account author = signUp();
                            String postId = post(author, "a post for a consumer contract by " + author.username());
                            awaitContains("/api/v1/feed", author, postId);
                            return with(user(author), "postId", postId);
                        },
                "a searchable user",
                        provides -> {
                            Account account = signUp();
                            awaitContains("/api/v1/search/users?q=" + account.username(), account, account.userId());
                            return user(account);
                        },
                "a post by the caller",
                        provides -> {
                            Account author = signUp();
                            String text = "a post for a consumer contract by " + author.username();
                            return with(user(author), "postId", post(author, text), "text", text);
                        },
                "no post with the id",
                        provides ->
                                with(user(signUp()), "postId", UUID.randomUUID().toString()),
                // A caller and another user (the caller asking about them: messaging consent).
                "two users",
                        provides -> {
                            Account other = signUp();
                            return with(
                                    user(signUp()), "otherUserId", other.userId(), "otherUsername", other.username());
                        },
                // A caller with a valid token asking for a user id nobody has.
                "no user with the id",
                        provides ->
                                with(user(signUp()), "userId", UUID.randomUUID().toString())));
        // A media item the caller uploaded through the gateway, once media-service has processed it.
        states.put("media of the caller READY", provides -> {
            Account owner = signUp();
            return with(user(owner), "mediaId", readyMedia(owner));
        });
        // A caller asking for a media id nobody uploaded.
        states.put(
                "no media with the id",
                provides -> with(user(signUp()), "mediaId", UUID.randomUUID().toString()));
        this.states = Map.copyOf(states);
    }

    private String readyMedia(Account owner) {
        try {
            String id = gateway.upload(owner, "image/png", social.nova.testing.TestImages.halves("png", 32, 32));
            gateway.awaitReady(owner, id);
            return id;
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload media through the gateway: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> setUp(String state, List<String> provides) {
        Function<List<String>, Map<String, String>> setUp = states.get(state);
        if (setUp == null) {
            throw new IllegalArgumentException("unknown provider state '" + state + "'; this stack knows "
                    + states.keySet().stream().sorted().toList());
        }
        return setUp.apply(provides);
    }

    private Account signUp() {
        try {
            return gateway.signUp("contract");
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign up a user through the gateway: " + e.getMessage(), e);
        }
    }

    private String post(Account author, String text) {
        try {
            return gateway.post(author, text);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a post through the gateway: " + e.getMessage(), e);
        }
    }

    private void awaitContains(String path, Account caller, String id) {
        org.awaitility.Awaitility.await(path + " lists " + id)
                .atMost(READ_SIDE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> gateway.get(path, caller.accessToken())
                        .body()
                        .path("items")
                        .toString()
                        .contains(id));
    }

    private static Map<String, String> user(Account account) {
        return Map.of("userId", account.userId(), "username", account.username(), "accessToken", account.accessToken());
    }

    private static Map<String, String> with(Map<String, String> values, String... more) {
        Map<String, String> all = new java.util.HashMap<>(values);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return Map.copyOf(all);
    }
}
