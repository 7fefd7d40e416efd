package dev.smslogin.humancheck;

import org.keycloak.provider.Provider;

import java.util.Map;

/**
 * An optional check that a person, not a script, asks for a code (a CAPTCHA), run before any SMS is sent.
 * Chosen per flow with the {@code humanCheck} setting; {@code none} (the default) lets every request through.
 * Providers: {@code none}, {@code siteverify} (reCAPTCHA, hCaptcha, Turnstile), and for mainland China {@code geetest},
 * {@code aliyun-captcha} and {@code tencent-captcha}.
 */
public interface HumanCheck extends Provider {

    /**
     * What the phone page needs to show the challenge; empty for a check without a widget. A widget provider returns
     * {@code provider} (its id), {@code scriptUrl} (the vendor's widget script), {@code adapter} (the file name of its
     * adapter script under {@code theme-resources/resources/js/}) and the public values the widget needs (ids, never a
     * secret): each becomes a {@code data-<name>} attribute of the page's {@code div.sms-login-human-check}
     * ({@code captchaId}: {@code data-captcha-id}; the page adds {@code data-lang}). The adapter starts the widget and
     * writes its result into hidden inputs named as {@link #passes} reads them. {@code siteverify}'s attributes
     * (script URL, site key, the token field's name) have no adapter: its widget reads {@code data-sitekey}.
     */
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
