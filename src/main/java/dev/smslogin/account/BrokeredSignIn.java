package dev.smslogin.account;

import dev.smslogin.credential.OtherSecondFactors;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.credential.SmsOtpCredentialProvider;
import dev.smslogin.loginmethod.IdentityTakenException;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.settings.SmsLoginConfig;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What follows a proven number in a first broker login: the brokered identity is linked to the number's verified
 * holder, or to the user created now with the number (verified), with the rules of {@link PhoneAccounts} for the
 * app's rows, plus the identity's own row. Keycloak links the identity to the user the flow sets, and records its
 * events for it (a {@code FEDERATED_IDENTITY_LINK} for a holder, a {@code REGISTER} for a new user). Nothing is
 * written when the answer is a refusal; events and masked log lines are written here.
 */
public final class BrokeredSignIn {

    private static final Logger LOG = Logger.getLogger(BrokeredSignIn.class);
    /** Keycloak's login-session note: the first broker login created the user (Keycloak's own name for it). */
    public static final String BROKER_REGISTERED_NEW_USER = "BROKER_REGISTERED_NEW_USER";
    /** Attributes a brokered identity never gives a user: the number is the proven one, the app link is the extension's. */
    private static final Set<String> NOT_COPIED = Set.of(UserModel.USERNAME, PhoneAttributes.PHONE_NUMBER,
            PhoneAttributes.PHONE_NUMBER_VERIFIED, PhoneAttributes.APP_USER_ID, "phone_number", "phone_number_verified");

    public enum Result {
        /** The user is set on the flow and the step succeeded (a holder to link, or a user created now). */
        LINKED,
        /** Registration is closed and nobody holds the number. */
        NO_ACCOUNT,
        ACCOUNT_DISABLED,
        ACCOUNT_LOCKED,
        /** The number's holder is linked to another identity of the same provider: nothing is linked. */
        ALREADY_LINKED,
        /** Who holds the number is in doubt (several users, not verified): the SMS login's refusal. */
        ACCOUNT_CONFLICT,
        /** The identity's app row names one app user, the number (or its holder) another: nothing is written. */
        APP_ACCOUNT_CONFLICT,
        /** The app's database could not be used, or a concurrent change won: nothing was kept. */
        UNAVAILABLE,
        /** Without a number: the identity's username or email is another user's already. */
        NAME_TAKEN
    }

    private BrokeredSignIn() {
    }

    public static Result proven(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, PhoneHolder holder,
                                BrokeredIdentity identity) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        PhoneAccounts accounts = new PhoneAccounts(session, realm);
        LoginMethodStore store = session.getProvider(LoginMethodStore.class);
        boolean mirrored = store != null && store.isEnabled();
        EventBuilder event = context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked());
        UserModel user;
        boolean created = false;
        try {
            UserModel existing = holder.kind() == PhoneHolder.Kind.NONE ? null : PhoneAccounts.loginUser(holder, phone);
            if (existing != null) {
                PhoneSignIn.Result refused = PhoneSignIn.refusedBeforeLogin(context, phone, existing);
                if (refused != null) {
                    return refused == PhoneSignIn.Result.ACCOUNT_LOCKED ? Result.ACCOUNT_LOCKED : Result.ACCOUNT_DISABLED;
                }
                if (hasSecondFactor(realm, existing)) {
                    LOG.warnf("SMS login: first login through '%s' with %s refused: the number's user %s has a second factor, which a "
                            + "first broker login does not ask for", identity.alias(), phone.masked(), existing.getId());
                    event.user(existing).detail(Details.IDENTITY_PROVIDER, identity.alias()).detail(Details.REASON, "second_factor_not_asked")
                            .error(Errors.INVALID_USER);
                    return Result.ACCOUNT_CONFLICT;
                }
                if (session.users().getFederatedIdentity(realm, existing, identity.alias()) != null) {
                    LOG.infof("SMS login: first login through '%s' with %s refused: the number's user %s is linked to another identity of it",
                            identity.alias(), phone.masked(), existing.getId());
                    event.user(existing).detail(Details.IDENTITY_PROVIDER, identity.alias()).error(Errors.FEDERATED_IDENTITY_EXISTS);
                    return Result.ALREADY_LINKED;
                }
                if (identity.appUserId() != null && mirrored) {
                    Long linked = PhoneAccounts.appUserId(existing);
                    OptionalLong row = store.findUserId(phone);
                    if (linked != null && linked.longValue() != identity.appUserId()
                            || row.isPresent() && row.getAsLong() != identity.appUserId()) {
                        throw new PhoneAccountConflict(PhoneAccounts.IDENTITY_APP_USER_CONFLICT, "the identity's row names app user "
                                + identity.appUserId() + " but the user of " + phone.masked() + " is app user "
                                + (linked != null ? linked : row.getAsLong()));
                    }
                    if (linked == null) {
                        existing.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(identity.appUserId()));
                    }
                }
                user = accounts.existing(existing, phone);
            } else {
                PhoneAccounts.Resolution resolution = accounts.newNumber(phone, config.allowRegistration(), config.usernameFormat(),
                        mirrored ? identity.appUserId() : null);
                if (resolution == null) {
                    event.error(Errors.USER_NOT_FOUND);
                    return Result.NO_ACCOUNT;
                }
                user = resolution.user();
                created = resolution.registered();
                if (created) {
                    copyAttributes(identity.attributes(), user);
                }
            }
            if (identity.login() != null && mirrored) {
                // the user's app account, linked above (the number's app user, or a new one)
                store.ensureIdentity(identity.login(), PhoneAccounts.appUserId(user), PhoneAccounts.displayName(user));
            }
        } catch (PhoneAccountConflict e) {
            session.getTransactionManager().setRollbackOnly();
            boolean appAccounts = PhoneAccounts.IDENTITY_APP_USER_CONFLICT.equals(e.reason());
            LOG.warnf("SMS login: first login through '%s' with %s refused: %s. %s", identity.alias(), phone.masked(), e.getMessage(),
                    appAccounts ? "The app's rows of the identity and of the number name different app users; an admin must merge or fix them."
                            : "Fix the users' phoneNumber, phoneNumberVerified or appUserId.");
            if (holder.user() != null) {
                event.user(holder.user());
            }
            event.detail(Details.REASON, e.reason()).error(Errors.INVALID_USER);
            return appAccounts ? Result.APP_ACCOUNT_CONFLICT : Result.ACCOUNT_CONFLICT;
        } catch (IdentityTakenException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: first login through '%s' with %s refused: %s, not the app user of the number's account",
                    identity.alias(), phone.masked(), e.getMessage());
            event.detail(Details.REASON, PhoneAccounts.IDENTITY_APP_USER_CONFLICT).error(Errors.INVALID_USER);
            return Result.APP_ACCOUNT_CONFLICT;
        } catch (LoginMethodUnavailableException | ModelDuplicateException | PhoneClaim.Busy e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: first login through '%s' with %s refused: %s", identity.alias(), phone.masked(),
                    e instanceof ModelDuplicateException ? "a concurrent login created the user first" : e.getMessage());
            event.error(Errors.INVALID_REQUEST);
            return Result.UNAVAILABLE;
        }
        if (created) {
            // Keycloak's name for a user the first broker login created: it records REGISTER and imports the identity
            context.getAuthenticationSession().setAuthNote(BROKER_REGISTERED_NEW_USER, "true");
        }
        context.setUser(user);
        context.success();
        return Result.LINKED;
    }

    /**
     * The app user of an identity's row already has its Keycloak user: the identity is linked to it, before any
     * number is asked (the original app's WeChat users land in their accounts). Returns null when it does not apply
     * (no row, no such user), else how it ended; the step succeeded on {@link Result#LINKED}.
     */
    public static Result appUserOfIdentity(AuthenticationFlowContext context, BrokeredIdentity identity) {
        if (identity.appUserId() == null) {
            return null;
        }
        PhoneAccounts accounts = new PhoneAccounts(context.getSession(), context.getRealm());
        PhoneAccounts.LinkedUser linked = accounts.otherUserOf(identity.appUserId(), null);
        if (linked == null || !linked.realm().getId().equals(context.getRealm().getId())) {
            return null;
        }
        UserModel user = linked.user();
        EventBuilder event = context.getEvent().user(user).detail(Details.IDENTITY_PROVIDER, identity.alias());
        if (!user.isEnabled()) {
            event.error(Errors.USER_DISABLED);
            return Result.ACCOUNT_DISABLED;
        }
        if (hasSecondFactor(context.getRealm(), user)) {
            LOG.warnf("SMS login: first login through '%s' refused: app user %d's user %s has a second factor, which a first broker "
                    + "login does not ask for", identity.alias(), identity.appUserId(), user.getId());
            event.detail(Details.REASON, "second_factor_not_asked").error(Errors.INVALID_USER);
            return Result.ACCOUNT_CONFLICT;
        }
        if (context.getSession().users().getFederatedIdentity(context.getRealm(), user, identity.alias()) != null) {
            LOG.infof("SMS login: first login through '%s' refused: app user %d's user %s is linked to another identity of it",
                    identity.alias(), identity.appUserId(), user.getId());
            event.error(Errors.FEDERATED_IDENTITY_EXISTS);
            return Result.ALREADY_LINKED;
        }
        context.setUser(user);
        context.success();
        return Result.LINKED;
    }

    /**
     * The identity goes on without a number (the step is optional and the user skipped it): a user is created as
     * Keycloak's "Create User If Unique" would (its username and email must be free), with the identity's row for the
     * app user of the identity's row, or a new app user. No number, no phone row.
     */
    public static Result withoutNumber(AuthenticationFlowContext context, BrokeredIdentity identity, String username, String email) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        EventBuilder event = context.getEvent().detail(Details.IDENTITY_PROVIDER, identity.alias());
        if (username == null || session.users().getUserByUsername(realm, username) != null
                || email != null && !realm.isDuplicateEmailsAllowed() && session.users().getUserByEmail(realm, email) != null) {
            event.error(Errors.FEDERATED_IDENTITY_EXISTS);
            return Result.NAME_TAKEN;
        }
        LoginMethodStore store = session.getProvider(LoginMethodStore.class);
        UserModel user;
        try {
            user = session.users().addUser(realm, username);
            user.setEnabled(true);
            copyAttributes(identity.attributes(), user);
            if (identity.login() != null && store != null && store.isEnabled()) {
                long appUserId = store.ensureIdentity(identity.login(), identity.appUserId(), PhoneAccounts.displayName(user)).userId();
                user.setSingleAttribute(PhoneAttributes.APP_USER_ID, String.valueOf(appUserId));
            }
        } catch (LoginMethodUnavailableException | ModelDuplicateException | IdentityTakenException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("SMS login: first login through '%s' without a number refused: %s", identity.alias(),
                    e instanceof ModelDuplicateException ? "a concurrent login created the user first" : e.getMessage());
            event.error(Errors.INVALID_REQUEST);
            return Result.UNAVAILABLE;
        }
        context.getAuthenticationSession().setAuthNote(BROKER_REGISTERED_NEW_USER, "true");
        context.setUser(user);
        context.success();
        return Result.LINKED;
    }

    /** What "Create User If Unique" gives a user it creates: the attributes the provider's mappers set, but no number. */
    private static void copyAttributes(Map<String, List<String>> attributes, UserModel user) {
        attributes.entrySet().stream()
                .filter(entry -> NOT_COPIED.stream().noneMatch(name -> name.equalsIgnoreCase(entry.getKey())))
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> user.setAttribute(entry.getKey(), entry.getValue()));
    }

    /** Second factors a first broker login would not ask for (the SMS one too): linking the identity would skip them. */
    private static boolean hasSecondFactor(RealmModel realm, UserModel user) {
        PhoneNumber verified = PhoneNumberCredentialProvider.verifiedNumber(user);
        return OtherSecondFactors.heldBy(user) || verified != null && SmsOtpCredentialProvider.isSecondFactor(realm, user, verified);
    }

}
