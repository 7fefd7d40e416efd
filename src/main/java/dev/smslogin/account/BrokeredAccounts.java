package dev.smslogin.account;

import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.IdentityTakenException;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.realm.PhoneAttributes;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The app's rows of a user's brokered identities follow its links: after a link (first broker login, account console,
 * admin), an unlink, or a login through the provider (which repairs a missing row, as an SMS login repairs a
 * {@code 'P'} row), the user's app user has one row per identity it is linked to of the providers whose identities
 * have rows, and, after an unlink, none of the identities it is no longer linked to. In the caller's transaction.
 */
public final class BrokeredAccounts {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final LoginMethodStore store;

    public BrokeredAccounts(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = session.getProvider(LoginMethodStore.class);
    }

    /** The {@code login_method} of provider {@code alias}'s identities, or null when they have no rows (or no app database is configured). */
    public String methodOf(String alias) {
        return store == null || !store.isEnabled() ? null : store.identityProviderMethod(alias);
    }

    /**
     * The rows of {@code user}'s identities of login method {@code method} match its links ({@code unlinked}: one was
     * just removed, and its row goes too). A user not yet linked to
     * an app user is linked to the app user of one of its identities' rows (when no other Keycloak user is linked to
     * it), else to a new app user.
     *
     * @throws IdentityTakenException          an identity's row belongs to another app user (nothing more is written)
     * @throws IdentityLogin.TooLongException  an identity's id does not fit the app's column
     * @throws LoginMethodUnavailableException the app's database cannot be used
     */
    public void follow(UserModel user, String method, boolean unlinked) {
        List<IdentityLogin> identities = session.users().getFederatedIdentitiesStream(realm, user)
                .filter(link -> method.equals(store.identityProviderMethod(link.getIdentityProvider())))
                .map(FederatedIdentityModel::getUserId)
                .map(id -> IdentityLogin.of(method, id))
                .toList();
        Long appUserId = PhoneAccounts.appUserId(user);
        if (appUserId == null) {
            if (identities.isEmpty()) {
                return;
            }
            appUserId = appUserOfRows(user, identities);
            if (appUserId == null) {
                appUserId = store.ensureIdentity(identities.get(0), null, PhoneAccounts.displayName(user)).userId();
            }
            user.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(appUserId));
        }
        for (IdentityLogin identity : identities) {
            store.ensureIdentity(identity, appUserId, null);
        }
        if (unlinked) {
            // only after an unlink: the app user's rows of the method are then the identities still linked (a row the
            // original app has of an identity Keycloak never linked is left alone by links and logins)
            Set<String> kept = identities.stream().map(IdentityLogin::identification).collect(Collectors.toSet());
            store.retainIdentities(method, appUserId, kept);
        }
    }

    /** The app user one of {@code identities}' rows names, when no other Keycloak user is linked to it; or null. */
    private Long appUserOfRows(UserModel user, List<IdentityLogin> identities) {
        PhoneAccounts accounts = new PhoneAccounts(session, realm);
        for (IdentityLogin identity : identities) {
            OptionalLong row = store.findUserId(identity);
            if (row.isPresent() && accounts.otherUserOf(row.getAsLong(), user) == null) {
                return row.getAsLong();
            }
        }
        return null;
    }
}
