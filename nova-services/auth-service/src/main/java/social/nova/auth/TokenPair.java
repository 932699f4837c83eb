package social.nova.auth;

import java.time.Duration;

/** The tokens of one session: a signed access token and an opaque, single-use refresh token. */
record TokenPair(String accessToken, String refreshToken, Duration accessTokenTtl) {}
