package dev.smslogin.loginmethod;

import dev.smslogin.spi.SmsLoginSpi;

/** {@code login-method-store}: mirrors phone accounts in the app's MySQL tables. Provider: {@code default}. */
public final class LoginMethodStoreSpi extends SmsLoginSpi {

    public static final String NAME = "login-method-store";

    public LoginMethodStoreSpi() {
        super(NAME, LoginMethodStore.class, LoginMethodStoreFactory.class);
    }
}
