package dev.smslogin.credential;

import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

import java.util.Set;

/**
 * The second factors a user can hold besides the phone: an authenticator app (OTP), a security key (WebAuthn) and a
 * passkey. A number proven by SMS alone must not end in a session of a user who holds one, whichever step proved it.
 */
public final class OtherSecondFactors {

    /** Their credential types. */
    public static final Set<String> TYPES = Set.of(OTPCredentialModel.TYPE, WebAuthnCredentialModel.TYPE_TWOFACTOR,
            WebAuthnCredentialModel.TYPE_PASSWORDLESS);

    private OtherSecondFactors() {
    }

    /** Whether {@code user} holds one of them. */
    public static boolean heldBy(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream().anyMatch(credential -> TYPES.contains(credential.getType()));
    }
}
