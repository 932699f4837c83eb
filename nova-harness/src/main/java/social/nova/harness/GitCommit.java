package social.nova.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The commit the services are built from, published by each instance as Consul meta {@code git-commit}. */
public final class GitCommit {
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(10);
    static final String UNKNOWN = "unknown";

    private GitCommit() {}

    /** {@code NOVA_GIT_COMMIT} if set (CI), else {@code git rev-parse --short=12 HEAD} in {@code root}, else "unknown". */
    public static String of(Path root) {
        String fromEnvironment = System.getenv("NOVA_GIT_COMMIT");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            boolean done = git.waitFor(GIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return done && git.exitValue() == 0 && output.matches("[0-9a-f]{7,40}") ? output : UNKNOWN;
        } catch (IOException noGit) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }
}
