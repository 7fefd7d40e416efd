package dev.smslogin.code;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@code sms-code-store}: keeps hashed codes, cooldowns and send counters. Providers: {@code redis}, {@code keycloak}. */
public final class SmsCodeStoreSpi implements Spi {

    public static final String NAME = "sms-code-store";

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
        return SmsCodeStore.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SmsCodeStoreFactory.class;
    }
}
