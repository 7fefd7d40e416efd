package dev.smslogin.sms;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.provider.Provider;

/** Sends one code by SMS. */
public interface SmsSender extends Provider {

    /**
     * Sends {@code code} to {@code to} in the message {@code template} names. Returns only when the provider accepted
     * the message.
     *
     * @throws SmsSendException with the reason the message was not accepted
     */
    void sendCode(PhoneNumber to, String code, SmsTemplate template) throws SmsSendException;

    @Override
    default void close() {
    }
}
