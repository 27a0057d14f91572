package io.gatehouse.provisioning;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Provisioning;
import io.gatehouse.mapping.NormalizedProfile;
import io.gatehouse.mapping.ProfileMapper;
import io.gatehouse.provisioning.ProvisioningResult.Provisioned;
import io.gatehouse.provisioning.ProvisioningResult.Refused;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns a verified sign-in into a user of the org: maps the profile, has the email judged
 * ({@link EmailVouching}), then creates the user (just in time) or brings the known one up to date
 * under the identity provider's sync mode and role management. Safe when the same user signs in on
 * two nodes at once.
 */
@Service
public class UserProvisioning {
    public static final int MAX_SUBJECT = 1024;
    private static final int ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final UserStore store;
    private final EmailVouching vouching;
    private final TransactionTemplate tx;

    UserProvisioning(UserStore store, EmailVouching vouching, TransactionTemplate tx) {
        this.store = store;
        this.vouching = vouching;
        this.tx = tx;
    }

    public ProvisioningResult provision(IdentityProvider idp, BrokeredIdentity identity, Instant now) {
        if (!identity.idpId().equals(idp.id()) || !identity.org().equals(idp.org())) {
            throw new IllegalArgumentException("the identity was brokered by another identity provider");
        }
        String subject = identity.subject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT) {
            return new Refused(RejectReason.PROVISIONING_SUBJECT_INVALID);
        }
        NormalizedProfile profile = ProfileMapper.map(idp, identity);
        boolean emailVerified;
        switch (vouching.judge(idp, profile.email(), profile.emailVerifiedByIdp())) {
            case EmailVouching.Verdict.Refused r -> {
                return r.refusal();
            }
            case EmailVouching.Verdict.Vouched v -> emailVerified = v.verified();
        }
        // the stores keep microseconds; a value read back must equal the value written
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        // first optimistically (no lock: the common case, one user signing in once); after a conflict
        // with the row locked, so that a burst of sign-ins of one user always makes progress
        for (int attempt = 1; ; attempt++) {
            boolean locked = attempt > 1;
            try {
                Optional<ProvisioningResult> done = locked
                        ? tx.execute(s -> provisionOnce(idp, subject, profile, emailVerified, at, true))
                        : provisionOnce(idp, subject, profile, emailVerified, at, false);
                if (done.isPresent()) {
                    return done.get();
                }
            } catch (DuplicateKeyException | ConcurrencyFailureException e) {
                // another node created this user between our look and our insert; the next look finds
                // its row (locked, so we wait for its transaction) and updates it instead
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
            if (attempt == ATTEMPTS) {
                throw new org.springframework.dao.OptimisticLockingFailureException(
                        "the user kept changing during " + ATTEMPTS + " attempts to update it");
            }
        }
    }

    /**
     * The same rules as {@link #provision}, nothing written: the user is looked up, and a new or
     * updated one is made in memory only.
     */
    public ProvisioningPreview preview(IdentityProvider idp, BrokeredIdentity identity, Instant now) {
        NormalizedProfile profile = ProfileMapper.map(idp, identity);
        String subject = identity.subject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT) {
            return new ProvisioningPreview(profile, Optional.empty(), false,
                    Optional.of(new Refused(RejectReason.PROVISIONING_SUBJECT_INVALID)));
        }
        boolean emailVerified;
        switch (vouching.judge(idp, profile.email(), profile.emailVerifiedByIdp())) {
            case EmailVouching.Verdict.Refused r -> {
                return new ProvisioningPreview(profile, Optional.empty(), false, Optional.of(r.refusal()));
            }
            case EmailVouching.Verdict.Vouched v -> emailVerified = v.verified();
        }
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        Optional<UserStore.Versioned> known = store.findBySubject(idp.org(), idp.id(), subject);
        if (known.isPresent()) {
            User updated = ProfileSync.update(known.get().user(), profile, emailVerified, idp.provisioning(), at);
            return new ProvisioningPreview(profile, Optional.of(updated), true, Optional.empty());
        }
        return switch (idp.provisioning().mode()) {
            case EXISTING_ONLY -> new ProvisioningPreview(profile, Optional.empty(), false,
                    Optional.of(new Refused(RejectReason.PROVISIONING_USER_UNKNOWN)));
            case JIT -> new ProvisioningPreview(profile, Optional.of(ProfileSync.create("(not created)", idp.org(),
                    idp.id(), subject, profile, emailVerified, idp.provisioning(), at)), false, Optional.empty());
        };
    }

    /**
     * One look and one write. Without the row lock, empty when the user changed between the two
     * (another sign-in, or an admin's PATCH), so the caller looks again rather than overwrite what it
     * did not see.
     */
    private Optional<ProvisioningResult> provisionOnce(IdentityProvider idp, String subject, NormalizedProfile profile,
                                                       boolean emailVerified, Instant now, boolean locked) {
        Provisioning rules = idp.provisioning();
        Optional<UserStore.Versioned> known = locked ? store.lockBySubject(idp.org(), idp.id(), subject)
                : store.findBySubject(idp.org(), idp.id(), subject);
        if (known.isPresent()) {
            User updated = ProfileSync.update(known.get().user(), profile, emailVerified, rules, now);
            // email_verified is Gatehouse's word as things stand now, whatever the sync mode keeps
            if (updated.email().equals(profile.email())) {
                updated = updated.withEmailVerified(emailVerified, now);
            } else {
                // the sync mode kept the stored address, and the application gets that one: it is judged
                // again (another org may have claimed its domain since)
                switch (vouching.judge(idp, updated.email(), Optional.empty())) {
                    case EmailVouching.Verdict.Refused r -> {
                        return Optional.of(r.refusal());
                    }
                    case EmailVouching.Verdict.Vouched v -> updated = updated.withEmailVerified(v.verified(), now);
                }
            }
            return store.updateIfVersion(updated, known.get().version())
                    ? Optional.of(new Provisioned(updated, false)) : Optional.empty();
        }
        return Optional.of(switch (rules.mode()) {
            case EXISTING_ONLY -> new Refused(RejectReason.PROVISIONING_USER_UNKNOWN);
            case JIT -> {
                User created = ProfileSync.create(newId(now), idp.org(), idp.id(), subject, profile, emailVerified,
                        rules, now);
                store.insert(created);
                yield new Provisioned(created, true);
            }
        });
    }

    /** A UUID whose first 48 bits are the creation time (RFC 9562 version 7): ids sort by creation. */
    static String newId(Instant now) {
        long millis = now.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
