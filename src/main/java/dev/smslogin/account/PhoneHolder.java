package dev.smslogin.account;

import org.keycloak.models.UserModel;

/**
 * Who holds a phone number in a realm ({@code phoneNumber} attribute). Only a single holder whose number is
 * verified may log in with it: a number that arrived unverified (an identity-provider or LDAP mapper, a profile
 * edit, an admin who did not vouch for it) could be someone else's, and so could a number several users hold.
 */
public record PhoneHolder(Kind kind, UserModel user) {

    public enum Kind {
        NONE,
        /** One user holds the number and it is verified ({@code phoneNumberVerified=true}). */
        VERIFIED,
        /** One user holds the number, not verified. */
        UNVERIFIED,
        /** More than one user holds the number. */
        SEVERAL
    }

    static final PhoneHolder NONE = new PhoneHolder(Kind.NONE, null);

    /** The user that may log in with the number, or null. */
    public UserModel loginUser() {
        return kind == Kind.VERIFIED ? user : null;
    }
}
