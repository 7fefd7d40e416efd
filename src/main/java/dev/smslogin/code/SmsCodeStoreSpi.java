package dev.smslogin.code;

import dev.smslogin.spi.SmsLoginSpi;

/** {@code sms-code-store}: keeps hashed codes, cooldowns and send counters. Providers: {@code redis}, {@code keycloak}. */
public final class SmsCodeStoreSpi extends SmsLoginSpi {

    public static final String NAME = "sms-code-store";

    public SmsCodeStoreSpi() {
        super(NAME, SmsCodeStore.class, SmsCodeStoreFactory.class);
    }
}
