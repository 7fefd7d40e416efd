package dev.smslogin.authenticator;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Finds and creates the Keycloak user that holds a phone number ({@code phoneNumber} attribute, E.164). */
final class PhoneUsers {

    static final String PHONE_NUMBER = "phoneNumber";
    static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";

    private PhoneUsers() {
    }

    static UserModel find(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        return session.users().searchForUserByUserAttributeStream(realm, PHONE_NUMBER, phone.e164())
                .findFirst()
                .orElse(null);
    }

    /**
     * Creates the user of a number never seen before. The username is the E.164 number: Keycloak's unique
     * username constraint makes two concurrent sign-ups of one number end in one user.
     */
    static UserModel create(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        UserModel user = session.users().addUser(realm, phone.e164());
        user.setEnabled(true);
        user.setSingleAttribute(PHONE_NUMBER, phone.e164());
        user.setSingleAttribute(PHONE_NUMBER_VERIFIED, "true");
        return user;
    }

    static void markVerified(UserModel user) {
        if (!"true".equals(user.getFirstAttribute(PHONE_NUMBER_VERIFIED))) {
            user.setSingleAttribute(PHONE_NUMBER_VERIFIED, "true");
        }
    }
}
