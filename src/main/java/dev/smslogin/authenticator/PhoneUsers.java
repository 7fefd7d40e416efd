package dev.smslogin.authenticator;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Finds and creates the Keycloak user that holds a phone number ({@code phoneNumber} attribute, E.164). */
final class PhoneUsers {

    static final String PHONE_NUMBER = "phoneNumber";
    static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";
    private static final int MAX_USERNAME_SUFFIX = 20;

    private PhoneUsers() {
    }

    /**
     * The user whose {@code phoneNumber} is the number. Users this extension created have the E.164 number as their
     * username, and Keycloak's user cache answers a username lookup without the database; the attribute decides,
     * so a user whose number was changed is not found by its old username. Other users (created by an admin, an
     * import or another login) are found by the attribute search.
     */
    static UserModel find(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        UserModel byUsername = session.users().getUserByUsername(realm, phone.e164());
        if (byUsername != null && phone.e164().equals(byUsername.getFirstAttribute(PHONE_NUMBER))) {
            return byUsername;
        }
        return session.users().searchForUserByUserAttributeStream(realm, PHONE_NUMBER, phone.e164())
                .findFirst()
                .orElse(null);
    }

    /**
     * Creates the user of a number never seen before. The username is the E.164 number: Keycloak's unique
     * username constraint makes two concurrent sign-ups of one number end in one user. When that username belongs
     * to a user who now has another number (an admin moved them; carriers recycle numbers), the next free one of
     * {@code +8613912345678-2}, {@code -3}, ... is used, the same for every concurrent sign-up of the number.
     */
    static UserModel create(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        UserModel user = session.users().addUser(realm, username(session, realm, phone));
        user.setEnabled(true);
        user.setSingleAttribute(PHONE_NUMBER, phone.e164());
        user.setSingleAttribute(PHONE_NUMBER_VERIFIED, "true");
        return user;
    }

    private static String username(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        String username = phone.e164();
        for (int n = 2; n <= MAX_USERNAME_SUFFIX; n++) {
            UserModel holder = session.users().getUserByUsername(realm, username);
            if (holder == null || phone.e164().equals(holder.getFirstAttribute(PHONE_NUMBER))) {
                return username;    // free, or taken by a concurrent sign-up of this number: Keycloak refuses the second
            }
            username = phone.e164() + "-" + n;
        }
        return username;
    }

    static void markVerified(UserModel user) {
        if (!"true".equals(user.getFirstAttribute(PHONE_NUMBER_VERIFIED))) {
            user.setSingleAttribute(PHONE_NUMBER_VERIFIED, "true");
        }
    }
}
