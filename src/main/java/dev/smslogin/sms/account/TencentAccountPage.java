package dev.smslogin.sms.account;

/** The realm's own Tencent SMS accounts. */
public final class TencentAccountPage extends SmsAccountPage {

    public TencentAccountPage() {
        super("tencent");
    }
}
