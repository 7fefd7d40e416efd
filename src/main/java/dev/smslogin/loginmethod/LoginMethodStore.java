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

    /**
     * Makes the app's phone login rows agree with a Keycloak user linked to {@code appUserId}: afterwards that app
     * user has exactly one phone login row, naming {@code current}, or none when {@code current} is null. A row it
     * has for another number is moved to {@code current} (so the old number no longer logs into it), further ones
     * are deleted; its other login methods ({@code 'WX'} ...) and its {@code user} row stay.
     *
     * @throws PhoneNumberTakenException when {@code current} has a row of another app user (nothing is written)
     */
    void syncPhone(long appUserId, PhoneNumber current);

    /**
     * A number change: the row of {@code from} of {@code appUserId} now names {@code to} (written when it has none,
     * or when {@code from} is null). Other rows of the app user are left as they are.
     *
     * @throws PhoneNumberTakenException when {@code to} has a row of another app user (nothing is written)
     */
    void movePhone(long appUserId, PhoneNumber from, PhoneNumber to);

    /** Deletes the phone login row of {@code phone} when it belongs to {@code appUserId}; nothing else. */
    void removePhone(long appUserId, PhoneNumber phone);

    /**
     * The {@code login_method} under which identities of identity provider {@code alias} have rows (option
     * {@code identity-provider-methods}), or null when that provider's identities have none.
     */
    String identityProviderMethod(String alias);

    /** The {@code user_id} of the row of {@code identity}. One indexed lookup. */
    OptionalLong findUserId(IdentityLogin identity);

    /**
     * Makes sure {@code identity} has its row for app user {@code appUserId} (a new {@code user} row when null, named
     * {@code displayName}) and returns that app account. An existing row of that app user wins; a concurrent writer of
     * the same row is caught by the unique key.
     *
     * @throws IdentityTakenException when the identity's row belongs to another app user (nothing is written)
     */
    AppAccount ensureIdentity(IdentityLogin identity, Long appUserId, String displayName);

    /**
     * Deletes the rows of login method {@code method} of app user {@code appUserId} whose identification is not in
     * {@code kept} (the identities its Keycloak user is still linked to); its other rows stay.
     */
    void retainIdentities(String method, long appUserId, java.util.Set<String> kept);

    @Override
    default void close() {
    }
}
