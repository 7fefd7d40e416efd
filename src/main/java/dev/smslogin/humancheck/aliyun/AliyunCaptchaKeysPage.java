package dev.smslogin.humancheck.aliyun;

import dev.smslogin.humancheck.HumanCheckKeysPage;

/** The realm's own aliyun-captcha keys: page {@code human-check-aliyun-captcha}. */
public final class AliyunCaptchaKeysPage extends HumanCheckKeysPage {

    public AliyunCaptchaKeysPage() {
        super(AliyunCaptchaHumanCheckFactory.PROVIDER_ID);
    }
}
