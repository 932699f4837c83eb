package social.nova.harness;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.testcontainers.DockerClientFactory;

/**
 * Names and labels of one stack's Docker resources, so that a stack can be found (and removed)
 * by label after its JVM is gone.
 *
 * <ul>
 *   <li>The {@code ./nova up} stack: containers {@code nova-<role>}, network {@code nova-stack},
 *       label {@code nova.stack=up}. Nothing of Testcontainers' own cleanup touches it (it has no
 *       session label), so it outlives the JVM; {@code ./nova down} removes it by label.</li>
 *   <li>A test stack: names {@code nova-it-<id>-<role>}, label {@code nova.harness=<id>} plus
 *       Testcontainers' own labels with this JVM's session id. Testcontainers' reaper (Ryuk, or its
 *       JVM shutdown hook where Ryuk cannot run) removes it with the test run's other containers,
 *       and {@code ./nova test} removes leftovers of a crashed run by the same labels.</li>
 * </ul>
 */
public record StackIdentity(String namePrefix, String networkName, Map<String, String> labels, boolean persistent) {
    /** Label on every resource of the {@code ./nova up} stack, with value {@link #UP}. */
    public static final String STACK_LABEL = "nova.stack";

    public static final String UP = "up";
    /** Label on every resource of a test stack; value: the stack's id. */
    public static final String TEST_LABEL = "nova.harness";
    /**
     * What a container is: {@code consul}, {@code postgres}, {@code redis}, {@code mail}, {@code oidc},
     * {@code objectstore}, {@code media-server}, {@code service} or {@code client}.
     */
    public static final String ROLE_LABEL = "nova.role";

    public static final String SERVICE_LABEL = "nova.service";
    public static final String INSTANCE_LABEL = "nova.instance";

    public StackIdentity {
        labels = Map.copyOf(labels);
    }

    /** The one stack of {@code ./nova up}. */
    public static StackIdentity up() {
        return new StackIdentity("nova-", "nova-stack", Map.of(STACK_LABEL, UP), true);
    }

    /** A new test stack, reaped with the rest of this JVM's Testcontainers resources. */
    public static StackIdentity test() {
        String id = HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextInt())
                .substring(0, 6);
        Map<String, String> labels = new HashMap<>(DockerClientFactory.DEFAULT_LABELS);
        labels.put(DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL, DockerClientFactory.SESSION_ID);
        labels.put(TEST_LABEL, id);
        return new StackIdentity("nova-it-" + id + "-", "nova-it-" + id, labels, false);
    }

    public static StackIdentity of(StackSettings settings) {
        return settings.persistent() ? up() : test();
    }

    /** Container name of {@code role}, e.g. {@code nova-consul} or {@code nova-it-3fa2c1-auth-service-1}. */
    public String containerName(String role) {
        return namePrefix + role;
    }

    /** This stack's labels plus {@code extra}. */
    public Map<String, String> labelsWith(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(labels);
        all.putAll(extra);
        return all;
    }

    /** A Docker {@code label} filter value matching every resource of this stack. */
    public String labelFilter() {
        return persistent ? STACK_LABEL + "=" + UP : TEST_LABEL + "=" + labels.get(TEST_LABEL);
    }
}
