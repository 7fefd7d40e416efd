package dev.smslogin.settings;

import java.util.Locale;

/** Per-flow setting {@code usernameFormat}: the username a new phone user gets. */
public enum UsernameFormat {
    /** {@code phone-} and a keyed hash of the number: no number in usernames, logs or events (default). */
    OPAQUE,
    /** The E.164 number, as before the setting existed. */
    PHONE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
