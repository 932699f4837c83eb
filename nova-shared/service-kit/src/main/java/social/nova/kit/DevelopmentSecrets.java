package social.nova.kit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Refuses to start a service whose secrets still have the development values its
 * {@code application.yaml} ships with, unless {@code nova.profile} is {@code dev} (which
 * {@code ./nova up}, the harness and the test configs set). The built-in values are not listed
 * anywhere else: a secret setting whose effective value equals the packaged file's is one.
 * <p>Checked settings: {@code db.password}, {@code db.provision.admin-password},
 * {@code redis.password}, and whatever the service lists under {@code nova.secret-settings}
 * (auth-service: its TOTP encryption keys).
 */
public final class DevelopmentSecrets {
    /** The config key of the profile; {@code NOVA_PROFILE} in the environment. */
    public static final String PROFILE = "nova.profile";
    /** The profile in which the built-in development secrets are allowed. */
    public static final String DEV = "dev";
    /** Secret settings the platform libraries read in every service. */
    static final List<String> PLATFORM_SECRETS =
            List.of("db.password", "db.provision.admin-password", "redis.password");

    private DevelopmentSecrets() {}

    /** Checks {@code effective} against the application.yaml on the class path (what the service ships with). */
    static void refuseOutsideDev(Config effective) {
        refuseOutsideDev(
                effective,
                Config.just(ConfigSources.classpath("application.yaml").optional(true)));
    }

    /**
     * @throws IllegalStateException naming every setting (and its environment variable) that still
     *                               has its built-in value, unless {@code nova.profile} is {@code dev}
     */
    public static void refuseOutsideDev(Config effective, Config builtIn) {
        if (DEV.equals(effective.get(PROFILE).asString().orElse(""))) {
            return;
        }
        Set<String> settings = new LinkedHashSet<>(PLATFORM_SECRETS);
        settings.addAll(
                effective.get("nova.secret-settings").asList(String.class).orElse(List.of()));
        List<String> builtInStill = new ArrayList<>();
        for (String key : settings) {
            Optional<String> shipped = builtIn.get(key).asString().asOptional().filter(value -> !value.isEmpty());
            if (shipped.isPresent()
                    && shipped.equals(effective.get(key).asString().asOptional())) {
                builtInStill.add(key + " (" + environmentVariable(key) + ")");
            }
        }
        if (!builtInStill.isEmpty()) {
            throw new IllegalStateException("Refusing to start: " + String.join(", ", builtInStill)
                    + (builtInStill.size() == 1
                            ? " has its built-in development value"
                            : " have their built-in " + "development values")
                    + " from application.yaml. Set a real secret, or set " + PROFILE + "=" + DEV + " ("
                    + environmentVariable(PROFILE) + "=" + DEV + ") on a development stack.");
        }
    }

    /** Helidon's environment alias of a key: db.provision.admin-password -> DB_PROVISION_ADMIN_dash_PASSWORD. */
    static String environmentVariable(String key) {
        return Arrays.stream(key.split("\\."))
                .map(part -> Arrays.stream(part.split("-"))
                        .map(word -> word.toUpperCase(Locale.ROOT))
                        .collect(Collectors.joining("_dash_")))
                .collect(Collectors.joining("_"));
    }
}
