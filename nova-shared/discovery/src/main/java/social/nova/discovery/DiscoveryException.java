package social.nova.discovery;

/**
 * Consul refused or could not answer a discovery request. The message names the agent, the
 * instance or service concerned and Consul's own answer (status and reason), never the token.
 */
public class DiscoveryException extends RuntimeException {
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
