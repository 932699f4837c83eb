package social.nova.discovery;

import org.kiwiproject.consul.ConsulException;

/** Tells apart why a call to the agent failed, for logging and for deciding whether to retry. */
final class ConsulFailures {
    private static final int FIRST_CLIENT_ERROR = 400;
    private static final int FIRST_SERVER_ERROR = 500;
    private static final int FORBIDDEN = 403;

    private ConsulFailures() {}

    /**
     * Whether the agent answered and said no (4xx: ACL denied, invalid definition). Retrying
     * the same request will not help; the configuration has to change.
     */
    static boolean isRefusal(RuntimeException failure) {
        return failure instanceof ConsulException consul
                && consul.hasCode()
                && consul.getCode() >= FIRST_CLIENT_ERROR
                && consul.getCode() < FIRST_SERVER_ERROR;
    }

    /** Whether the agent answered 403, i.e. the ACL token is missing or lacks a permission. */
    static boolean isPermissionDenied(RuntimeException failure) {
        return failure instanceof ConsulException consul && consul.hasCode() && consul.getCode() == FORBIDDEN;
    }

    /** One line: Consul's status and reason, or why it could not be reached. */
    static String describe(RuntimeException failure) {
        String message = String.valueOf(failure.getMessage()).strip();
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure
                ? message
                : message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
