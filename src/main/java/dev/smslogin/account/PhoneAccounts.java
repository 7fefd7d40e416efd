package dev.smslogin.account;

import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.loginmethod.AppAccount;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.loginmethod.PhoneNumberTakenException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.UsernameFormat;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The linking rules between a verified phone number, its Keycloak user and the app's MySQL record. All writes
 * happen in the login's transaction: when the login fails after them, they roll back together.
 */
public final class PhoneAccounts {

    private static final Logger LOG = Logger.getLogger(PhoneAccounts.class);

    /** The Keycloak user of a verified number; {@code registered} when this login created it. */
    record Resolution(UserModel user, boolean registered, AppAccount appAccount) {
    }

    /** The conflict reason of a brokered identity's app user that is not the number's. */
    static final String IDENTITY_APP_USER_CONFLICT = "identity_app_user_conflict";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final LoginMethodStore appAccounts;

    public PhoneAccounts(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.appAccounts = session.getProvider(LoginMethodStore.class);
    }

    /**
     * An existing user (the verified holder of the number) logs in; its MySQL row is created, or its
     * {@code appUserId} written, whichever is missing. A user already linked to another app user than the one the
     * app's row of the number names is refused ({@link PhoneAccountConflict}): the link is never rewritten, since
     * a number put on an account by a mapper or an edit must not take over someone's app identity. Nor is a row
     * written for an app user another Keycloak user is linked to (an {@code appUserId} an admin or an import copied):
     * one Keycloak user per app account.
     * When MySQL is unavailable, a user already linked logs in anyway (nothing needs writing, the app knows it);
     * a user not yet linked cannot, since the link must be written.
     */
    UserModel existing(UserModel user, PhoneNumber phone) {
        // users of earlier versions, and numbers an admin changed, get the account console's row at their next login
        PhoneNumberCredentialProvider.markVerified(user, phone);
        if (appAccounts == null || !appAccounts.isEnabled()) {
            return user;
        }
        Long linked = appUserId(user);
        try {
            OptionalLong row = appAccounts.findUserId(phone);
            if (linked == null) {
                user.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(ownAccount(user, phone, row, true).userId()));
            } else if (row.isPresent() && row.getAsLong() != linked) {
                throw new PhoneAccountConflict("app_user_id_conflict", "the user of " + phone.masked() + " is linked to app user "
                        + linked + " but the app's row of the number belongs to app user " + row.getAsLong());
            } else if (row.isEmpty()) {
                LinkedUser other = otherUserOf(linked, user);
                if (other != null) {
                    throw new PhoneAccountConflict("app_user_id_shared", "the user of " + phone.masked() + " is linked to app user "
                            + linked + ", which user " + other.user().getId() + " of realm '" + other.realm().getName() + "' is linked to too");
                }
                appAccounts.ensureAccount(phone, linked);
            }
        } catch (PhoneNumberTakenException e) {
            throw new PhoneAccountConflict("app_user_of_another_realm", e.getMessage() + ", linked to a user of another realm");
        } catch (LoginMethodUnavailableException e) {
            if (linked == null) {
                throw e;
            }
            LOG.warnf("SMS login: %s; the user is already linked to app user %d and logs in", e.getMessage(), linked);
        }
        return user;
    }

    /**
     * A number without a Keycloak user: links the app's existing record, or (when {@code allowRegistration})
     * creates one, then creates the Keycloak user, named as {@code usernameFormat} says. Returns null when registration is closed and the app does not
     * know the number. When a concurrent login of the same number won, its user is returned. An app record of the
     * number whose app user another Keycloak user of the realm is linked to (a holder who lost the number) is moved to
     * a new app user: the new user never shares the previous holder's app account.
     *
     * @throws PhoneClaim.Busy when another change of the number did not end within the claim's wait
     */
    Resolution newNumber(PhoneNumber phone, boolean allowRegistration, UsernameFormat usernameFormat) {
        return newNumber(phone, allowRegistration, usernameFormat, null);
    }

    /**
     * {@link #newNumber(PhoneNumber, boolean, UsernameFormat)} for a person whose app account is known already
     * ({@code appUserId}, the app user of a brokered identity's row; null: none): the new user is linked to it, and the
     * number's row written for it. A row of the number that names another app user refuses the sign-up
     * ({@link PhoneAccountConflict} {@code identity_app_user_conflict}).
     */
    Resolution newNumber(PhoneNumber phone, boolean allowRegistration, UsernameFormat usernameFormat, Long appUserId) {
        PhoneClaim.claim(session, realm, phone);
        PhoneHolder holder = PhoneUsers.find(session, realm, phone, usernameFormat);
        if (holder.kind() != PhoneHolder.Kind.NONE) {
            // given to a user while this login waited for the claim (a verify-phone-number of the same number)
            return new Resolution(existing(loginUser(holder, phone), phone), false, null);
        }
        AppAccount account = null;
        if (appAccounts != null && appAccounts.isEnabled()) {
            OptionalLong row = appAccounts.findUserId(phone);
            if (row.isPresent()) {
                // the app's row existed, or a concurrent first login wrote it and committed: its user may exist now
                PhoneHolder winner = PhoneUsers.find(session, realm, phone, usernameFormat);
                if (winner.kind() != PhoneHolder.Kind.NONE) {
                    return new Resolution(existing(loginUser(winner, phone), phone), false, new AppAccount(row.getAsLong(), false));
                }
            }
            try {
                if (appUserId != null && row.isPresent() && row.getAsLong() != appUserId) {
                    throw new PhoneAccountConflict(IDENTITY_APP_USER_CONFLICT, "the brokered identity's row names app user " + appUserId
                            + " but the app's row of " + phone.masked() + " belongs to app user " + row.getAsLong());
                }
                account = appUserId != null ? appAccounts.ensureAccount(phone, appUserId) : ownAccount(null, phone, row, allowRegistration);
            } catch (PhoneNumberTakenException e) {
                throw new PhoneAccountConflict("app_user_of_another_realm", e.getMessage() + ", linked to a user of another realm");
            }
        }
        if (account == null && !allowRegistration) {
            return null;
        }
        UserModel user = PhoneUsers.create(session, realm, phone, usernameFormat);
        if (account != null) {
            user.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(account.userId()));
        }
        return new Resolution(user, true, account);
    }

    /**
     * The app's rows follow a number that {@code user} proved and now holds instead of {@code previous} (null: it
     * had none): its app user's phone row moves to {@code current}, or a user not yet linked is linked as a login
     * of the number would be (to the app's row of the number when no other Keycloak user is linked to its app user,
     * else to a new app user). With {@code takeover}, a row of {@code current} that belongs to another app user (the
     * number's previous holder) leaves it first, and that app user stays its holder's; without it, such a row
     * refuses the change. In the caller's transaction.
     *
     * @throws PhoneNumberTakenException when another app user's row names {@code current} and {@code takeover} is false
     * @throws LoginMethodUnavailableException when the app's database cannot be used
     */
    public void numberChanged(UserModel user, PhoneNumber previous, PhoneNumber current, boolean takeover) {
        if (appAccounts == null || !appAccounts.isEnabled()) {
            return;
        }
        Long linked = appUserId(user);
        try {
            follow(user, linked, previous, current, takeover);
        } catch (PhoneNumberTakenException e) {
            if (!takeover) {
                throw e;
            }
            appAccounts.removePhone(e.holderAppUserId(), current);
            follow(user, linked, previous, current, true);
        }
    }

    private void follow(UserModel user, Long linked, PhoneNumber previous, PhoneNumber current, boolean takeover) {
        if (linked != null) {
            appAccounts.movePhone(linked, previous, current);
            return;
        }
        AppAccount account = ownAccount(user, current, appAccounts.findUserId(current), true, takeover);
        user.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(account.userId()));
    }

    private AppAccount ownAccount(UserModel user, PhoneNumber phone, OptionalLong row, boolean mayCreate) {
        return ownAccount(user, phone, row, mayCreate, true);
    }

    /**
     * The app account of {@code user} (null: a user about to be created), which has no {@code appUserId} yet, for a
     * number it proved: the app user of the number's row ({@code row}) when no other Keycloak user is linked to it (the
     * original app's user of the number); else a new app user (null when not {@code mayCreate}). A row whose app user
     * another user of this realm is linked to is that user's stale row (it no longer holds the number): with
     * {@code moveRow} it leaves that app user, which its user keeps.
     *
     * @throws PhoneNumberTakenException when the row's app user is another Keycloak user's and the row may not move, or
     *                                   that user is of another realm
     */
    private AppAccount ownAccount(UserModel user, PhoneNumber phone, OptionalLong row, boolean mayCreate, boolean moveRow) {
        if (row.isPresent()) {
            LinkedUser other = otherUserOf(row.getAsLong(), user);
            if (other == null) {
                return new AppAccount(row.getAsLong(), false);
            }
            if (!moveRow || !other.realm().getId().equals(realm.getId())) {
                throw new PhoneNumberTakenException(phone, row.getAsLong());
            }
            if (!mayCreate) {
                return null;    // registration closed: the number gets no account, and nothing is written
            }
            LOG.infof("SMS login: the app's row of %s left app user %d, whose user %s no longer holds the number; a new app user gets it",
                    phone.masked(), row.getAsLong(), other.user().getId());
            appAccounts.removePhone(row.getAsLong(), phone);
        }
        return mayCreate ? appAccounts.ensureAccount(phone, null) : null;
    }

    /** A Keycloak user linked to an app user, with its realm. */
    public record LinkedUser(RealmModel realm, UserModel user) {
    }

    /**
     * Another Keycloak user than {@code user} linked to app user {@code appUserId} ({@code appUserId} attribute), in this
     * realm or another realm that uses the extension (the app's database is the server's), or null. A search per realm:
     * only on paths that are about to link or write, never on a returning login.
     */
    public LinkedUser otherUserOf(long appUserId, UserModel user) {
        String value = String.valueOf(appUserId);
        return Stream.concat(Stream.of(realm), session.realms().getRealmsStream().filter(other -> !other.getId().equals(realm.getId())))
                .filter(candidate -> candidate.getId().equals(realm.getId()) || PhoneSteps.managePhoneNumbers(session, candidate))
                .flatMap(candidate -> session.users().searchForUserByUserAttributeStream(candidate, PhoneAttributes.APP_USER_ID, value)
                        .filter(other -> user == null || !other.getId().equals(user.getId()))
                        .map(other -> new LinkedUser(candidate, other)))
                .findFirst()
                .orElse(null);
    }

    /**
     * The user that logs in with a number whose possession was proven: its single verified holder.
     *
     * @throws PhoneAccountConflict when several users hold the number or its holder has not verified it
     */
    static UserModel loginUser(PhoneHolder holder, PhoneNumber phone) {
        return switch (holder.kind()) {
            case VERIFIED -> holder.user();
            case SEVERAL -> throw new PhoneAccountConflict("phone_number_on_several_users",
                    "several users hold " + phone.masked());
            case UNVERIFIED -> throw new PhoneAccountConflict("phone_number_not_verified",
                    "the user holding " + phone.masked() + " has not verified it (phoneNumberVerified is not true)");
            case NONE -> throw new IllegalArgumentException("no holder");
        };
    }

    /** The name of a new app user ({@code user.name}, 20 characters) made for {@code user} without a number: its username, cut. */
    static String displayName(UserModel user) {
        String username = user.getUsername();
        return username.length() > 20 ? username.substring(0, 20) : username;
    }

    public static Long appUserId(UserModel user) {
        String value = user.getFirstAttribute(PhoneAttributes.APP_USER_ID);
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
