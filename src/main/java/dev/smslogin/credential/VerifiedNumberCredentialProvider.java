package dev.smslogin.credential;

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
 * A row of the account console's "Signing in" page backed by the user's verified phone number: nothing is checked
 * against a stored secret (codes go through the code store), "Set up" or "Update" starts {@code verify-phone-number},
 * and the user holds it while {@link PhoneNumberCredentialProvider#hasVerifiedNumber} says so.
 */
abstract class VerifiedNumberCredentialProvider implements CredentialProvider<CredentialModel>, CredentialInputValidator {

    static final String ACTION = "verify-phone-number";

    private final KeycloakSession session;

    VerifiedNumberCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    /** The type's place, name and help on the page (message keys). */
    abstract CredentialTypeMetadata.CredentialTypeMetadataBuilder describe(CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata);

    @Override
    public final CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext context) {
        CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata = describe(CredentialTypeMetadata.builder().type(getType()))
                .removeable(false);
        if (PhoneNumberCredentialProvider.hasVerifiedNumber(context.getUser())) {
            metadata.updateAction(ACTION);
        } else {
            metadata.createAction(ACTION);
        }
        return metadata.build(session);
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
    public abstract boolean supportsCredentialType(String credentialType);

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType) && PhoneNumberCredentialProvider.hasVerifiedNumber(user);
    }

    /** Not a way to log in by itself. */
    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return false;
    }
}
