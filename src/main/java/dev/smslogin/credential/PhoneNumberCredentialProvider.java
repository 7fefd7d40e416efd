package dev.smslogin.credential;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The phone number as the account console's "Signing in" page shows it: a credential type {@code phone-number}
 * whose "Set up" (no verified number) or "Update" (a verified number) starts the {@code verify-phone-number}
 * action. Nobody logs in with this credential: the SMS login reads the {@code phoneNumber} attribute. A stored
 * marker of the type, labelled with the masked number and dated when the number was verified, is the row the page
 * lists; {@link #markVerified} writes it wherever a number is verified.
 */
public final class PhoneNumberCredentialProvider implements CredentialProvider<CredentialModel>, CredentialInputValidator {

    public static final String TYPE = "phone-number";
    private static final String ACTION = "verify-phone-number";
    private static final String PHONE_NUMBER = "phoneNumber";
    private static final String PHONE_NUMBER_VERIFIED = "phoneNumberVerified";

    private final KeycloakSession session;

    PhoneNumberCredentialProvider(KeycloakSession session) {
        this.session = session;
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
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credential) {
        return user.credentialManager().createStoredCredential(credential);
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext context) {
        CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata = CredentialTypeMetadata.builder()
                .type(TYPE)
                .category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
                .displayName("phone-number-display-name")
                .helpText("phone-number-help-text")
                .iconCssClass("kcAuthenticatorDefaultClass")
                .removeable(false);
        if (hasVerifiedNumber(context.getUser())) {
            metadata.updateAction(ACTION);
        } else {
            metadata.createAction(ACTION);
        }
        return metadata.build(session);
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return TYPE.equals(credentialType);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType) && hasVerifiedNumber(user);
    }

    /** Not a way to log in. */
    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return false;
    }

    private static boolean hasVerifiedNumber(UserModel user) {
        return user != null && user.getFirstAttribute(PHONE_NUMBER) != null && "true".equals(user.getFirstAttribute(PHONE_NUMBER_VERIFIED));
    }
}
