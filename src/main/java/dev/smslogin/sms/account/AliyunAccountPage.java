package dev.smslogin.sms.account;

/** The realm's own Aliyun SMS accounts. */
public final class AliyunAccountPage extends SmsAccountPage {

    public AliyunAccountPage() {
        super("aliyun");
    }
}
