package dev.smslogin.credential;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * The phone number as the account console's "Signing in" page shows it: a credential type {@code phone-number}
 * whose "Set up" (no verified number) or "Update" (a verified number) starts the {@code verify-phone-number}
 * action. Nobody logs in with this credential: the SMS login reads the {@code phoneNumber} attribute. A stored
 * marker of the type, labelled with the masked number and dated when the number was verified, is the row the page
 * lists; {@link #markVerified} writes it wherever a number is verified.
 */
public final class PhoneNumberCredentialProvider extends VerifiedNumberCredentialProvider {

    public static final String TYPE = "phone-number";
    private static final String PHONE_NUMBER = "phoneNumber";
    private static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";

    PhoneNumberCredentialProvider(KeycloakSession session) {
        super(session);
    }

    /** {@code user}'s marker now names {@code phone}, verified now (unless it already did). */
    public static void markVerified(UserModel user, PhoneNumber phone) {
        String label = phone.maskedForDisplay();
        boolean current = user.credentialManager().getStoredCredentialsByTypeStream(TYPE)
                .anyMatch(marker -> label.equals(marker.getUserLabel()));
        if (current) {
            return;
        }
        unmark(user);
        CredentialModel marker = new CredentialModel();
        marker.setType(TYPE);
        marker.setUserLabel(label);
        marker.setCreatedDate(Time.currentTimeMillis());
        marker.setSecretData("{}");
        marker.setCredentialData("{}");
        user.credentialManager().createStoredCredential(marker);
    }

    /** {@code user} has no verified number any more. */
    public static void unmark(UserModel user) {
        user.credentialManager().getStoredCredentialsByTypeStream(TYPE).toList()
                .forEach(marker -> user.credentialManager().removeStoredCredentialById(marker.getId()));
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    CredentialTypeMetadata.CredentialTypeMetadataBuilder describe(CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata) {
        return metadata.category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
                .displayName("phone-number-display-name")
                .helpText("phone-number-help-text")
                .iconCssClass("kcAuthenticatorDefaultClass");
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return TYPE.equals(credentialType);
    }

    /** The user has a number proven with a code: what the SMS second factor sends to. */
    public static boolean hasVerifiedNumber(UserModel user) {
        return user != null && user.getFirstAttribute(PHONE_NUMBER) != null && "true".equals(user.getFirstAttribute(PHONE_NUMBER_VERIFIED));
    }

    /** The user's verified number, or null (none, or not a number a code can go to: the validator refuses such values). */
    public static PhoneNumber verifiedNumber(UserModel user) {
        if (!hasVerifiedNumber(user)) {
            return null;
        }
        try {
            return PhoneNumber.fromE164(user.getFirstAttribute(PHONE_NUMBER));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
