package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.provider.Provider;

/** Sends one login code by SMS. */
public interface SmsSender extends Provider {

    /**
     * Sends {@code code} to {@code to}. Returns only when the provider accepted the message.
     *
     * @throws SmsSendException with the reason the message was not accepted
     */
    void sendCode(PhoneNumber to, String code) throws SmsSendException;

    @Override
    default void close() {
    }
}
