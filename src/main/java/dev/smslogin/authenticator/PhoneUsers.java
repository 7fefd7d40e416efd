package dev.smslogin.authenticator;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/** Finds and creates the Keycloak user that holds a phone number ({@code phoneNumber} attribute, E.164). */
public final class PhoneUsers {

    public static final String PHONE_NUMBER = "phoneNumber";
    public static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";
    private static final int MAX_USERNAME_SUFFIX = 20;

    private PhoneUsers() {
    }

    /**
     * Who holds the number: every user whose {@code phoneNumber} attribute is it (at most two are read, which is
     * enough to tell one holder from several).
     */
    public static PhoneHolder find(KeycloakSession session, RealmModel realm, PhoneNumber phone) {
        List<UserModel> holders = session.users().searchForUserByUserAttributeStream(realm, PHONE_NUMBER, phone.e164())
                .limit(2)
                .toList();
        if (holders.isEmpty()) {
            return PhoneHolder.NONE;
        }
        if (holders.size() > 1) {
            return new PhoneHolder(PhoneHolder.Kind.SEVERAL, null);
        }
        UserModel user = holders.get(0);
        boolean verified = "true".equals(user.getFirstAttribute(PHONE_NUMBER_VERIFIED));
        return new PhoneHolder(verified ? PhoneHolder.Kind.VERIFIED : PhoneHolder.Kind.UNVERIFIED, user);
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

}
