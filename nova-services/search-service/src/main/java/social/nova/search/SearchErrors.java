package social.nova.search;

import java.time.Duration;

import social.nova.errors.NovaException;

/** search-service's typed failures (domain search.nova.social). */
final class SearchErrors {
    static final String DOMAIN = "search.nova.social";

    private SearchErrors() {
    }

    static NovaException rateLimited(Duration retryAfter) {
        return NovaException.rateLimited(retryAfter).toBuilder().domain(DOMAIN).build();
    }
}
