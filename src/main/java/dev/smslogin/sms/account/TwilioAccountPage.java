package dev.smslogin.sms.account;

/** The realm's own Twilio SMS accounts. */
public final class TwilioAccountPage extends SmsAccountPage {

    public TwilioAccountPage() {
        super("twilio");
    }
}
