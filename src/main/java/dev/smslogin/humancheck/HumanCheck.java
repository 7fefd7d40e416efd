package dev.smslogin.humancheck;

import org.keycloak.provider.Provider;

import java.util.Map;

/**
 * An optional check that a person, not a script, asks for a code (a CAPTCHA), run before any SMS is sent.
 * Chosen per flow with the {@code humanCheck} setting; {@code none} (the default) lets every request through.
 * Providers for CAPTCHAs that work in mainland China (Aliyun Captcha, Tencent Captcha, GeeTest) implement this.
 */
public interface HumanCheck extends Provider {

    /** What the phone page needs to show the challenge (script URL, site key, the token field's name); empty for none. */
    Map<String, String> pageAttributes();

    /**
     * Whether the submitted phone form proves a person.
     *
     * @param form the decoded form parameters of the phone page
     * @param clientIp the client IP as Keycloak sees it
     * @throws HumanCheckUnavailableException when the CAPTCHA service cannot answer
     */
    boolean passes(Map<String, String> form, String clientIp);

    @Override
    default void close() {
    }
}
