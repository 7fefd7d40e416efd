package dev.smslogin.loginmethod;

/**
 * A brokered identity as the app's {@code user_login_method} table names it: the {@code login_method} of its identity
 * provider ({@code 'WX'}) and the user's id at that provider as {@code identification}. The column holds 36
 * characters: a longer id cannot be stored, and is refused rather than cut (a cut id could name someone else).
 */
public record IdentityLogin(String method, String identification) {

    /** The width of {@code user_login_method.identification} and {@code login_method}. */
    public static final int MAX_LENGTH = 36;

    /** An id longer than the column: the identity gets no row, and the login through it is refused. */
    public static final class TooLongException extends RuntimeException {
        public TooLongException(String method, int length) {
            super("the identity's id at the provider of login method '" + method + "' has " + length + " characters, the app's column holds "
                    + MAX_LENGTH, null, false, false);
        }
    }

    /**
     * @throws TooLongException when {@code identification} does not fit the column
     */
    public static IdentityLogin of(String method, String identification) {
        if (identification == null || identification.isEmpty()) {
            throw new IllegalArgumentException("an identity has an id");
        }
        if (identification.length() > MAX_LENGTH) {
            throw new TooLongException(method, identification.length());
        }
        return new IdentityLogin(method, identification);
    }

    /** For logs: the method and the id's length, never the id (a WeChat openid identifies a person). */
    public String masked() {
        String id = identification;
        return method + ":" + (id.length() <= 6 ? "***" : id.substring(0, 3) + "***" + id.substring(id.length() - 3));
    }
}
