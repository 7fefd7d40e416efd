package dev.smslogin.requiredaction;

import dev.smslogin.account.PhoneAccounts;
import dev.smslogin.account.PhoneClaim;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.credential.SmsOtpCredentialProvider;
import dev.smslogin.loginmethod.PhoneNumberTakenException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.requiredaction.VerifyPhoneSettings.NumberInUse;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * Puts a proven number on a user: the number is claimed (one change of it at a time, cluster-wide), its other
 * holders are found, and then, unless the number is in use and the policy refuses, the user's {@code phoneNumber}
 * becomes it, verified, the previous holders lose it, and the app's rows follow, all in the request's transaction.
 * Records {@code UPDATE_PROFILE} events with masked numbers.
 */
final class NumberChange {

    static final String DETAIL_PREVIOUS = PhoneDialog.EVENT_DETAIL_PREVIOUS_PHONE;
    static final String DETAIL_UPDATED = PhoneDialog.EVENT_DETAIL_UPDATED_PHONE;
    static final String DETAIL_PREVIOUS_HOLDER = "previous_holder_id";
    static final String DETAIL_TAKEN_OVER_BY = "taken_over_by";
    /** The error of the event of a previous holder left with no way to log in: what admins alert on. */
    static final String ERROR_NO_LOGIN_LEFT = "phone_number_taken_over_no_login_left";

    private static final Logger LOG = Logger.getLogger(NumberChange.class);

    enum Result { CHANGED, IN_USE, BUSY }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EventBuilder event;

    NumberChange(KeycloakSession session, RealmModel realm, EventBuilder event) {
        this.session = session;
        this.realm = realm;
        this.event = event;
    }

    /**
     * Gives {@code phone} to {@code user}.
     *
     * @throws dev.smslogin.loginmethod.LoginMethodUnavailableException when the app's rows cannot follow (the caller rolls back)
     */
    Result apply(UserModel user, PhoneNumber phone, NumberInUse numberInUse) {
        try {
            PhoneClaim.claim(session, realm, phone);
        } catch (PhoneClaim.Busy e) {
            return Result.BUSY;
        }
        List<UserModel> others = session.users().searchForUserByUserAttributeStream(realm, PhoneAttributes.PHONE_NUMBER, phone.e164())
                .filter(holder -> !holder.getId().equals(user.getId()))
                .limit(10)
                .toList();
        boolean takeover = numberInUse == NumberInUse.TAKEOVER;
        if (!others.isEmpty() && !takeover) {
            return refused(user, phone, "phone_number_in_use");
        }
        if (others.stream().anyMatch(other -> SmsOtpCredentialProvider.isSecondFactor(realm, other, phone))) {
            // taken, the holder's account would be left to its password alone (or enrol whoever knows the password)
            return refused(user, phone, "phone_number_is_second_factor");
        }
        PhoneNumber previous = numberOf(user);
        try {
            new PhoneAccounts(session, realm).numberChanged(user, previous, phone, takeover);
        } catch (PhoneNumberTakenException e) {
            // no Keycloak user holds the number, but the app knows it as another app user's login
            return refused(user, phone, "phone_number_in_use_in_app");
        }
        for (UserModel other : others) {
            takeOver(other, user, phone);
        }
        user.setSingleAttribute(PhoneAttributes.PHONE_NUMBER, phone.e164());
        user.setSingleAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED, "true");
        PhoneNumberCredentialProvider.markVerified(user, phone);
        EventBuilder changed = event.clone().event(EventType.UPDATE_PROFILE).user(user)
                .detail(Details.CONTEXT, "verify-phone-number")
                .detail(DETAIL_UPDATED, phone.masked());
        if (previous != null) {
            changed.detail(DETAIL_PREVIOUS, previous.masked());
        }
        if (!others.isEmpty()) {
            // a lambda, not UserModel::getId: that reference names getId's interface Model, which Keycloak 26.4 and 26.5 lack
            changed.detail(DETAIL_PREVIOUS_HOLDER, others.stream().map(other -> other.getId()).toList());
        }
        changed.success();
        return Result.CHANGED;
    }

    private Result refused(UserModel user, PhoneNumber phone, String reason) {
        LOG.infof("verify-phone-number: %s not given to a user: it belongs to another account (%s)", phone.masked(), reason);
        event.clone().event(EventType.UPDATE_PROFILE_ERROR).user(user)
                .detail(Details.CONTEXT, "verify-phone-number")
                .detail(DETAIL_UPDATED, phone.masked())
                .detail(Details.REASON, reason)
                .error("phone_number_in_use");
        return Result.IN_USE;
    }

    /** {@code loser} held the number that {@code winner} proved: it loses it, and admins hear of one left with no login. */
    private void takeOver(UserModel loser, UserModel winner, PhoneNumber phone) {
        loser.removeAttribute(PhoneAttributes.PHONE_NUMBER);
        loser.setSingleAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED, "false");
        PhoneNumberCredentialProvider.unmark(loser);
        EventBuilder lost = event.clone().event(EventType.UPDATE_PROFILE).user(loser)
                .detail(Details.CONTEXT, "verify-phone-number")
                .detail(DETAIL_PREVIOUS, phone.masked())
                .detail(DETAIL_TAKEN_OVER_BY, winner.getId());
        if (canStillLogIn(loser)) {
            lost.success();
        } else {
            LOG.warnf("verify-phone-number: %s moved to another user; its previous holder %s has no other way to log in",
                    phone.masked(), loser.getId());
            lost.event(EventType.UPDATE_PROFILE_ERROR).error(ERROR_NO_LOGIN_LEFT);
        }
    }

    /** A password or another credential (not the phone number's marker), an identity provider link, or a user federation link. */
    private boolean canStillLogIn(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream()
                .anyMatch(credential -> !PhoneNumberCredentialProvider.TYPE.equals(credential.getType()))
                || session.users().getFederatedIdentitiesStream(realm, user).findAny().isPresent()
                || user.getFederationLink() != null;
    }

    private static PhoneNumber numberOf(UserModel user) {
        String e164 = user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER);
        if (e164 == null || e164.isBlank()) {
            return null;
        }
        try {
            return PhoneNumber.fromE164(e164.strip());
        } catch (RuntimeException notANumber) {
            return null;     // an admin's free text: the app has no row of it
        }
    }
}
