package social.nova.search;

/**
 * search-service's error domain (search.nova.social). Its only typed failure of its own is
 * RATE_LIMITED ({@code RateLimits.enforce}); validation failures are field violations.
 */
final class SearchErrors {
    static final String DOMAIN = "search.nova.social";

    private SearchErrors() {}
}
