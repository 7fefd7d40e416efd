package dev.smslogin.loginmethod;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.provider.Provider;

import java.util.OptionalLong;

/**
 * The app's {@code user} / {@code user_login_method} tables. Writes join the Keycloak transaction of the login:
 * they commit with the Keycloak user or not at all.
 *
 * @throws LoginMethodUnavailableException from every method when the database cannot be used
 */
public interface LoginMethodStore extends Provider {

    /** False when no app database is configured: logins then do not mirror anything. */
    boolean isEnabled();

    /** The {@code user_id} of the phone login row of {@code phone}, in either identification format. One indexed lookup. */
    OptionalLong findUserId(PhoneNumber phone);

    /**
     * Makes sure {@code phone} has its login row and returns its {@code user_id}. An existing row wins; otherwise
     * a row is added for {@code existingUserId} when given, else a new {@code user} row and its login row. When
     * a concurrent login wrote the row first, that row is returned and nothing is duplicated.
     */
    AppAccount ensureAccount(PhoneNumber phone, Long existingUserId);

    @Override
    default void close() {
    }
}
