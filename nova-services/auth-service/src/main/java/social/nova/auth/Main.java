package social.nova.auth;

import java.time.Clock;

import social.nova.crypto.AtRestCipher;
import social.nova.crypto.HashingConcurrency;
import social.nova.crypto.PasswordHasher;
import social.nova.crypto.Totp;
import social.nova.kit.Caller;
import social.nova.kit.ServiceKit;
import social.nova.mail.MailRelay;
import social.nova.mail.MailRelaySettings;
import social.nova.mail.MailTemplates;
import social.nova.mail.SmtpSender;
import social.nova.mail.SmtpSettings;
import social.nova.redis.RateLimiter;

/** auth-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts auth-service on a kit (tests pass one with their own config). */
    public static social.nova.kit.RunningService start(ServiceKit kit) {
        return start(kit, Clock.systemUTC());
    }

    /** With a given clock, so tests can move time. */
    static social.nova.kit.RunningService start(ServiceKit kit, Clock clock) {
        AuthSettings settings = AuthSettings.create(kit.config().get("auth"));
        TotpSecrets totpSecrets =
                new TotpSecrets(AtRestCipher.create(kit.config().get("auth.totp-encryption")));
        var jdbi = kit.database().jdbi();
        var meters = kit.meterRegistry();
        var redis = kit.redis();

        SigningKeys keys = kit.closeOnStop(new SigningKeys(
                jdbi, settings.jwt(), settings.keyRotation(), settings.keyReload(), settings.jwksMaxAge(), clock));
        Sessions sessions = new Sessions(
                jdbi, new SessionStore(), keys, settings.refreshTokenTtl(), settings.refreshRetryGrace(), clock);
        AccountStore accountStore = new AccountStore();
        totpSecrets.prepare(jdbi, accountStore);
        AccountMailSettings mailSettings =
                AccountMailSettings.create(kit.config().get("auth.mail"));
        AccountMail mail = new AccountMail(
                jdbi,
                accountStore,
                new EmailTokenStore(),
                MailTemplates.load(AccountMail.TEMPLATES),
                mailSettings,
                new AccountMail.Limits(
                        new RateLimiter(redis, mailSettings.resendPerAccount(), meters),
                        new RateLimiter(redis, mailSettings.resetPerClient(), meters),
                        new RateLimiter(redis, mailSettings.resetPerEmail(), meters)),
                clock);
        Accounts accounts = new Accounts(
                jdbi,
                accountStore,
                sessions,
                new PasswordHasher(
                        settings.passwords(),
                        HashingConcurrency.create(kit.config().get("auth.passwords"))),
                new Totp(settings.totp()),
                totpSecrets,
                new Accounts.Limits(
                        new RateLimiter(redis, settings.loginPerAccount(), meters),
                        new RateLimiter(redis, settings.loginPerClient(), meters),
                        new RateLimiter(redis, settings.registerPerClient(), meters),
                        new RateLimiter(redis, settings.totpPerAccount(), meters)),
                mail,
                clock);

        OidcSettings oidcSettings = OidcSettings.create(kit.config().get("auth.oidc"));
        OidcSignIns oidc = new OidcSignIns(
                jdbi,
                new OidcStore(),
                accountStore,
                accounts,
                mail,
                sessions,
                provider -> new OidcProvider(
                        provider,
                        oidcSettings.timeout(),
                        (p, timeout) -> OidcProvider.discover(p, timeout, clock),
                        clock),
                oidcSettings,
                new RateLimiter(redis, oidcSettings.startPerClient(), meters),
                clock);

        kit.startOutboxRelay();
        // Account mail leaves through the mail outbox; a mail server outage delays it, loses none.
        kit.closeOnStop(MailRelay.start(
                kit.database(),
                new SmtpSender(SmtpSettings.create(kit.config().get("mail.smtp"))),
                MailRelaySettings.create(kit.config().get("mail.relay")),
                meters));
        kit.authenticateWith(token -> {
            var verified = sessions.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new AuthEndpoint(accounts, mail, oidc, sessions, keys, settings));
    }
}
