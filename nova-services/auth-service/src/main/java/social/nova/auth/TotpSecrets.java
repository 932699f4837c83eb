package social.nova.auth;

import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.crypto.AtRestCipher;

/**
 * TOTP secrets at rest: AES-256-GCM under the named keys of {@code auth.totp-encryption.keys}
 * (nova-crypto-core's {@link AtRestCipher}), each value carrying its key id and bound to its
 * account id, so a value copied to another account does not decrypt. Rows written before
 * encryption hold the Base32 secret itself: they are read as they are, and {@link #prepare} (run at
 * start) rewrites them, and every value of a key that is no longer the first, under the current key.
 */
final class TotpSecrets {
    private static final System.Logger LOG = System.getLogger(TotpSecrets.class.getName());
    private static final int BATCH = 500;

    private final AtRestCipher cipher;

    TotpSecrets(AtRestCipher cipher) {
        this.cipher = cipher;
    }

    /** The value to store for {@code secret} of {@code accountId}. */
    String seal(UUID accountId, String secret) {
        return cipher.encrypt(secret, accountId.toString());
    }

    /** The secret of a stored value: decrypted, or as it is when it predates encryption. */
    String open(UUID accountId, String stored) {
        return AtRestCipher.isEncrypted(stored) ? cipher.decrypt(stored, accountId.toString()) : stored;
    }

    /**
     * Before the service serves: checks that the current key opens a value stored under its id (a
     * key replaced under the same id fails here, not at a user's login), then re-encrypts under the
     * current key every secret stored in plain text or under an older key; a row changed meanwhile
     * is left to its writer.
     *
     * @return how many accounts were rewritten
     * @throws social.nova.crypto.DecryptionFailedException naming the key id when a stored value's
     *                                                      key is wrong or no longer configured
     */
    int prepare(Jdbi jdbi, AccountStore accounts) {
        jdbi.withHandle(handle -> accounts.anyTotpUnder(handle, cipher.currentPrefixPattern()))
                .ifPresent(sample -> open(sample.id(), sample.secret() != null ? sample.secret() : sample.pending()));
        int rewritten = 0;
        while (true) {
            List<AccountStore.StoredTotp> stale =
                    jdbi.withHandle(handle -> accounts.totpNotUnder(handle, cipher.currentPrefixPattern(), BATCH));
            int batch = 0;
            for (AccountStore.StoredTotp row : stale) {
                String secret = row.secret() == null ? null : seal(row.id(), open(row.id(), row.secret()));
                String pending = row.pending() == null ? null : seal(row.id(), open(row.id(), row.pending()));
                if (jdbi.withHandle(handle -> accounts.replaceTotp(handle, row, secret, pending))) {
                    batch++;
                }
            }
            rewritten += batch;
            if (stale.size() < BATCH || batch == 0) {
                break;
            }
        }
        if (rewritten > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Re-encrypted the TOTP secrets of {0} accounts under key {1}",
                    rewritten,
                    cipher.currentKeyId());
        }
        return rewritten;
    }
}
