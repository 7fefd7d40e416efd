package dev.smslogin.settings;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * A step that starts from a phone number, not from a user: it finds (or makes) the user by the number it proves,
 * so it needs no user before it, is set up for everyone, asks nobody to set anything up, and holds nothing to close.
 */
public interface NumberFirstStep extends Authenticator {

    @Override
    default boolean requiresUser() {
        return false;
    }

    @Override
    default boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    default void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    default void close() {
    }
}
