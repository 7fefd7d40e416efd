package dev.smslogin.adminedit;

import org.keycloak.models.KeycloakTransaction;
import org.keycloak.services.ErrorResponseException;

/**
 * Refuses an admin's request from an event listener, which Keycloak calls before the request's transaction commits
 * but whose exceptions it ignores: enlisted in the commit's prepare phase, it fails it, Keycloak then rolls back every
 * resource of the request (its own change included) and answers with the error.
 */
public record AdminRefusal(ErrorResponseException error) implements KeycloakTransaction {

    @Override
    public void begin() {
    }

    @Override
    public void commit() {
        throw error;
    }

    @Override
    public void rollback() {
    }

    @Override
    public void setRollbackOnly() {
    }

    @Override
    public boolean getRollbackOnly() {
        return false;
    }

    @Override
    public boolean isActive() {
        return true;
    }
}
