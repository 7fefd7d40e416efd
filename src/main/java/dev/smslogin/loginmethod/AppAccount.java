package dev.smslogin.loginmethod;

/**
 * The app's record of a phone number: {@code user.id} of the MySQL row the number's
 * {@code user_login_method} row points at. {@code created} is true when this login wrote the rows.
 */
public record AppAccount(long userId, boolean created) {
}
