package dev.smslogin.humancheck.tencent;

import dev.smslogin.humancheck.HumanCheckKeysPage;

/** The realm's own tencent-captcha keys: page {@code human-check-tencent-captcha}. */
public final class TencentCaptchaKeysPage extends HumanCheckKeysPage {

    public TencentCaptchaKeysPage() {
        super(TencentCaptchaHumanCheckFactory.PROVIDER_ID);
    }
}
