package dev.smslogin.account;

import dev.smslogin.code.CodeHasher;
import dev.smslogin.code.CodeSecrets;
import dev.smslogin.credential.PhoneNumberCredentialProvider;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.settings.UsernameFormat;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/** Finds and creates the Keycloak user that holds a phone number ({@code phoneNumber} attribute, E.164). */
public final class PhoneUsers {

    private static final int MAX_USERNAME_SUFFIX = 20;
    static final String OPAQUE_PREFIX = "phone-";

    private PhoneUsers() {
    }

    /**
     * Who holds the number. First the user this extension names after the number ({@link #username}, first of its
     * sequence, in the flow's {@code format}): a lookup Keycloak answers from its user cache, which every node
     * invalidates when a user's username or attributes change. When that user holds the number it is the holder:
     * every write path of Keycloak's APIs keeps one holder per number (sign-ups and number changes claim the number, the
     * user-profile validator and the import checks refuse a second holder), and a second holder written past them (an
     * LDAP or identity-provider mapper) is never verified, so it can neither log in nor stand in the way of the verified
     * holder's login. Otherwise (a user an admin or an import created under another username, a number moved to
     * another user, a name of the other format) every user whose {@code phoneNumber} attribute is the number is read,
     * at most two, enough to tell one holder from several.
     */
    public static PhoneHolder find(KeycloakSession session, RealmModel realm, PhoneNumber phone, UsernameFormat format) {
        UserModel named = session.users().getUserByUsername(realm, username(hasher(session, realm, format), realm, phone, 0));
        if (named != null && phone.e164().equals(named.getFirstAttribute(PhoneAttributes.PHONE_NUMBER))) {
            return holder(named, phone);
        }
        List<UserModel> holders = session.users().searchForUserByUserAttributeStream(realm, PhoneAttributes.PHONE_NUMBER, phone.e164())
                .limit(2)
                .toList();
        if (holders.isEmpty()) {
            return PhoneHolder.NONE;
        }
        if (holders.size() > 1) {
            return new PhoneHolder(PhoneHolder.Kind.SEVERAL, null);
        }
        return holder(holders.get(0), phone);
    }

    private static PhoneHolder holder(UserModel user, PhoneNumber phone) {
        // verified for this number: phoneNumberVerified=true beside a number that changed since is not verified
        boolean verified = phone.equals(PhoneNumberCredentialProvider.verifiedNumber(user));
        return new PhoneHolder(verified ? PhoneHolder.Kind.VERIFIED : PhoneHolder.Kind.UNVERIFIED, user);
    }

    /**
     * Creates the user of a number never seen before. Its username ({@link #username}) is derived from the number alone,
     * so Keycloak's unique username constraint makes two concurrent sign-ups of one number end in one user.
     */
    static UserModel create(KeycloakSession session, RealmModel realm, PhoneNumber phone, UsernameFormat format) {
        UserModel user = session.users().addUser(realm, username(session, realm, phone, format));
        user.setEnabled(true);
        user.setSingleAttribute(PhoneAttributes.PHONE_NUMBER, phone.e164());
        user.setSingleAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED, "true");
        PhoneNumberCredentialProvider.markVerified(user, phone);
        return user;
    }

    /**
     * {@code opaque}: {@code phone-} and 24 hex digits of a keyed hash of the number under the realm's HS512 key
     * ({@link CodeSecrets}), so that the username, and Keycloak's events and log lines naming it, hold no number.
     * {@code phone}: the E.164 number. When that name belongs to a user who now has another number (an admin moved
     * them; carriers recycle numbers), the next of a fixed sequence is used ({@code opaque}: the hash of the number
     * and {@code #1}, {@code #2} ...; {@code phone}: {@code +8613912345678-2}, {@code -3} ...), the same for every
     * concurrent sign-up of the number.
     */
    static String username(KeycloakSession session, RealmModel realm, PhoneNumber phone, UsernameFormat format) {
        CodeHasher hasher = hasher(session, realm, format);
        String username = null;
        for (int attempt = 0; attempt < MAX_USERNAME_SUFFIX; attempt++) {
            username = username(hasher, realm, phone, attempt);
            UserModel holder = session.users().getUserByUsername(realm, username);
            if (holder == null || phone.e164().equals(holder.getFirstAttribute(PhoneAttributes.PHONE_NUMBER))) {
                return username;    // free, or taken by a concurrent sign-up of this number: Keycloak refuses the second
            }
        }
        return username;
    }

    private static CodeHasher hasher(KeycloakSession session, RealmModel realm, UsernameFormat format) {
        return format == UsernameFormat.OPAQUE ? CodeSecrets.hasher(session, realm) : null;
    }

    /** The {@code attempt}th name of the number's sequence; {@code hasher} null: the {@code phone} format. */
    private static String username(CodeHasher hasher, RealmModel realm, PhoneNumber phone, int attempt) {
        return hasher != null ? OPAQUE_PREFIX + hasher.username(realm.getId(), phone.e164(), attempt)
                : attempt == 0 ? phone.e164() : phone.e164() + "-" + (attempt + 1);
    }
}
