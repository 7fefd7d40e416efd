package dev.smslogin.humancheck;

import dev.smslogin.spi.SmsLoginSpi;

/**
 * {@code sms-human-check}: a CAPTCHA before sending. Providers: {@code none}, {@code siteverify}, {@code geetest},
 * {@code aliyun-captcha}, {@code tencent-captcha}.
 */
public final class HumanCheckSpi extends SmsLoginSpi {

    public static final String NAME = "sms-human-check";

    public HumanCheckSpi() {
        super(NAME, HumanCheck.class, HumanCheckFactory.class);
    }
}
