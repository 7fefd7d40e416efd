package dev.smslogin.adminedit;

import dev.smslogin.account.PhoneAccounts;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.loginmethod.PhoneNumberTakenException;
import dev.smslogin.phone.PhoneMasking;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.realm.PhoneSteps;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;

import java.util.OptionalLong;

/**
 * Keeps the app's {@code 'P'} row of a linked user (one with {@code appUserId}) in step with its {@code phoneNumber}
 * when an admin creates or updates the user through the Admin REST API or the admin console: a global admin-event
 * listener, so no realm setting is needed.
 *
 * <p>Keycloak sends the admin event of {@code PUT /users/{id}} after the user was changed and before the request's
 * transaction commits; the app's rows are written here on a connection enlisted in that transaction, so they commit
 * with the Keycloak change or roll back with it. Keycloak ignores what a listener throws, so a refusal (the app's
 * database is unavailable, or the number's row is another app user's) is a transaction enlisted in the commit's
 * prepare phase that fails it: everything rolls back, Keycloak's own user change included, and the admin gets the
 * error (503 or 409) with a message saying so.
 *
 * <p>Only a request that changes the number touches the app's database: {@link PhoneNumberValidator}, which sees the
 * old and the new value before the change, marks it. A user without {@code appUserId} is left to its first SMS
 * login, which links it. A partial import, which runs no validator, sends one event per imported user: an imported
 * number another user holds refuses the whole import ({@link ImportedPhoneNumbers} checks a realm import's numbers).
 * Paths without per-user admin events (a realm import's app rows, a change in Keycloak's database) are repaired by
 * the user's next SMS login, which moves the app user's row to the number it
 * logs in with; a number two users hold logs into neither ("contact support") until an admin fixes it.
 */
final class PhoneNumberEdits implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(PhoneNumberEdits.class);
    /** Session attribute set by {@link PhoneNumberValidator} when a request changes a user's {@code phoneNumber}. */
    private static final String CHANGED = "sms-login.phone-number-changed:";
    /** Session attribute set by {@link PhoneNumberValidator} when a request sets {@code phoneNumberVerified} to {@code true}. */
    private static final String VOUCHED = "sms-login.phone-number-vouched:";

    private static final String UNAVAILABLE = "The phone number cannot be changed now: the app's login-method "
            + "database is temporarily unavailable. Nothing was changed; try again in a moment.";

    private final KeycloakSession session;

    PhoneNumberEdits(KeycloakSession session) {
        this.session = session;
    }

    /** Called by the validator: this request gives {@code user} another number (or none) than {@code previous}. */
    static void changing(KeycloakSession session, UserModel user, String previous) {
        session.setAttribute(CHANGED + user.getId(), previous == null ? "" : previous);
    }

    /** Called by the validator: this request sets {@code phoneNumberVerified} of {@code user} to {@code true}, where it was not. */
    static void vouching(KeycloakSession session, UserModel user) {
        session.setAttribute(VOUCHED + user.getId(), Boolean.TRUE);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        // a user's own events, and a partial import's (resource type REALM, one event per imported user)
        if ((event.getResourceType() != ResourceType.USER && event.getResourceType() != ResourceType.REALM) || event.getError() != null
                || (event.getOperationType() != OperationType.CREATE && event.getOperationType() != OperationType.UPDATE)) {
            return;
        }
        String userId = userId(event.getResourcePath());
        RealmModel realm = userId == null ? null : session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user == null || !PhoneSteps.managePhoneNumbers(session, realm)) {
            // a realm that does not use the extension may keep anything in attributes of these names
            return;
        }
        if (heldByAnother(realm, user)) {
            // only a path the validator does not see gets here (a partial import): it is refused whole
            refuse(Response.Status.CONFLICT, "Another user already has the phone number of user '" + user.getId()
                    + "'. Nothing was changed.", user, "phoneNumber held by another user");
            return;
        }
        Object previousNumber = session.getAttribute(CHANGED + user.getId());
        boolean numberChanged = previousNumber instanceof String;
        if (previousNumber instanceof String previous) {
            recordChange(realm, user, previous);
        }
        // a new user's, or an import file's, phoneNumberVerified=true is its author's word for the number beside it
        followVerification(user, event.getOperationType() == OperationType.CREATE || event.getResourceType() == ResourceType.REALM
                || session.getAttribute(VOUCHED + user.getId()) != null, numberChanged);
        Long appUserId = PhoneAccounts.appUserId(user);
        LoginMethodStore store = appUserId == null ? null : session.getProvider(LoginMethodStore.class);
        if (store == null || !store.isEnabled()) {
            return;
        }
        if (event.getOperationType() == OperationType.UPDATE && !numberChanged) {
            // an edit that kept the number (enabling the user, a new email) does not touch the app's database: it is
            // not held up when that database is down, and a failed enlistment cannot spoil Keycloak's own change
            return;
        }
        String value = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        PhoneNumber phone;
        try {
            phone = value == null || value.isBlank() ? null : PhoneNumber.fromE164(value);
        } catch (IllegalArgumentException e) {
            LOG.warnf("SMS login: user %s of realm '%s' holds a phoneNumber that is not E.164; the app's rows of app user %d "
                    + "are left as they are", user.getId(), realm.getName(), appUserId);
            return;
        }
        if (phone != null && numberTakenInApp(store, phone, appUserId, user)) {
            return;
        }
        PhoneAccounts.LinkedUser other = new PhoneAccounts(session, realm).otherUserOf(appUserId, user);
        if (other != null) {
            // an appUserId copied from another user: its rows are that user's, never moved from here
            refuse(Response.Status.CONFLICT, "The app account of this user (appUserId " + appUserId + ") is linked to another user. "
                    + "Nothing was changed.", user, "appUserId of user " + other.user().getId() + " of realm '" + other.realm().getName() + "'");
            return;
        }
        try {
            store.syncPhone(appUserId, phone);
        } catch (LoginMethodUnavailableException e) {
            refuse(Response.Status.SERVICE_UNAVAILABLE, UNAVAILABLE, user, e.getMessage());
        } catch (PhoneNumberTakenException e) {
            refuse(Response.Status.CONFLICT, "The app's login record of this phone number belongs to another app account. "
                    + "Nothing was changed.", user, e.getMessage());
        }
    }

    /** The number's app row is another app user's: refused (the store would refuse it too, after the checks below). */
    private boolean numberTakenInApp(LoginMethodStore store, PhoneNumber phone, long appUserId, UserModel user) {
        try {
            OptionalLong row = store.findUserId(phone);
            if (row.isPresent() && row.getAsLong() != appUserId) {
                refuse(Response.Status.CONFLICT, "The app's login record of this phone number belongs to another app account. "
                        + "Nothing was changed.", user, "the number's row belongs to app user " + row.getAsLong());
                return true;
            }
            return false;
        } catch (LoginMethodUnavailableException e) {
            refuse(Response.Status.SERVICE_UNAVAILABLE, UNAVAILABLE, user, e.getMessage());
            return true;
        }
    }

    private boolean heldByAnother(RealmModel realm, UserModel user) {
        String value = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        return value != null && !value.isBlank() && session.users().searchForUserByUserAttributeStream(realm, PhoneAttributes.PHONE_NUMBER, value)
                .anyMatch(other -> !other.getId().equals(user.getId()));
    }

    /**
     * Verification belongs to one number. The user's marker ({@link PhoneNumberCredentialProvider#markVerified}) binds
     * the number when the admin vouches for it: creates the user with {@code phoneNumberVerified=true}, or sets it to
     * {@code true} where it was not ({@code vouched}). A {@code true} that merely stayed beside a number this request
     * changed, or beside a number that changed by another path since it was verified (a mapper, an import), vouches
     * for nothing: the attribute is set to {@code false}, so that the admin console, tokens and the account console
     * say what the login will do. Any other user keeps no marker.
     */
    private static void followVerification(UserModel user, boolean vouched, boolean numberChanged) {
        boolean saysVerified = "true".equals(user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED));
        PhoneNumber number = number(user);
        if (saysVerified && number != null && vouched) {
            PhoneNumberCredentialProvider.markVerified(user, number);
            return;
        }
        if (saysVerified && !numberChanged && number != null && number.equals(PhoneNumberCredentialProvider.verifiedNumber(user))) {
            return;
        }
        if (saysVerified) {
            LOG.infof("SMS login: user %s's phoneNumberVerified set to false: %s", user.getId(), numberChanged
                    ? "the number changed and nobody vouched for the new one" : "it was verified for another number");
            user.setSingleAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED, "false");
        }
        PhoneNumberCredentialProvider.unmark(user);
    }

    private static PhoneNumber number(UserModel user) {
        String value = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        try {
            return value == null || value.isBlank() ? null : PhoneNumber.fromE164(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The user event of an admin's change of the number, as the required action records one: {@code UPDATE_PROFILE}
     * with the masked numbers (Keycloak's own admin event of the request holds the representation, if configured).
     * It rolls back with the change when the change is refused.
     */
    private void recordChange(RealmModel realm, UserModel user, String previous) {
        EventBuilder changed = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.UPDATE_PROFILE)
                .user(user)
                .detail(Details.CONTEXT, "ADMIN");
        String updated = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        if (!previous.isBlank()) {
            changed.detail(PhoneDialog.EVENT_DETAIL_PREVIOUS_PHONE, PhoneMasking.mask(previous));
        }
        if (updated != null && !updated.isBlank()) {
            changed.detail(PhoneDialog.EVENT_DETAIL_UPDATED_PHONE, PhoneMasking.mask(updated));
        }
        changed.success();
    }

    private void refuse(Response.Status status, String message, UserModel user, String cause) {
        String number = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        LOG.warnf("SMS login: admin change of user %s to %s refused, nothing changed: %s", user.getId(),
                number == null || number.isBlank() ? "no number" : PhoneMasking.mask(number), cause);
        session.getTransactionManager().enlistPrepare(new AdminRefusal(ErrorResponse.error(message, status)));
    }

    /** {@code users/{id}}: the user itself, not one of its sub-resources. */
    private static String userId(String resourcePath) {
        if (resourcePath == null || !resourcePath.startsWith("users/")) {
            return null;
        }
        String id = resourcePath.substring("users/".length());
        return id.isEmpty() || id.contains("/") ? null : id;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void close() {
    }
}
