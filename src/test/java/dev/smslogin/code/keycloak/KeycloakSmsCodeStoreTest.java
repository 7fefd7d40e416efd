package dev.smslogin.code.keycloak;

import dev.smslogin.code.CodeStoreContract;
import dev.smslogin.code.SmsCodeStore;

class KeycloakSmsCodeStoreTest extends CodeStoreContract {

    private final SmsCodeStore store = new KeycloakSmsCodeStore(new InMemorySingleUseObjects(), "sms-login:", System::currentTimeMillis);

    @Override
    protected SmsCodeStore store() {
        return store;
    }
}
