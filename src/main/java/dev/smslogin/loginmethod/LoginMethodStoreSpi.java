package dev.smslogin.loginmethod;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@code login-method-store}: mirrors phone accounts in the app's MySQL tables. Provider: {@code default}. */
public final class LoginMethodStoreSpi implements Spi {

    public static final String NAME = "login-method-store";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return LoginMethodStore.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return LoginMethodStoreFactory.class;
    }
}
