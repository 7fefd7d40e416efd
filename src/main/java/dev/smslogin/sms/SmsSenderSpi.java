package dev.smslogin.sms;

import dev.smslogin.spi.SmsLoginSpi;

/** {@code sms-sender}: delivers codes. Providers: {@code aliyun}, {@code tencent}, {@code twilio}, {@code log}. */
public final class SmsSenderSpi extends SmsLoginSpi {

    public static final String NAME = "sms-sender";

    public SmsSenderSpi() {
        super(NAME, SmsSender.class, SmsSenderFactory.class);
    }
}
