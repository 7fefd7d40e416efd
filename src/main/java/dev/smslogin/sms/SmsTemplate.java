package dev.smslogin.sms;

/**
 * Which message carries a code: its purpose, and the sign name and template code a flow chose over the server's
 * (null: the sender's own for that purpose). A realm serving another brand names its own approved sign name here.
 */
public record SmsTemplate(SmsPurpose purpose, String signName, String templateCode) {

    /** The sender's own sign name and template for {@code purpose}. */
    public static SmsTemplate of(SmsPurpose purpose) {
        return new SmsTemplate(purpose, null, null);
    }
}
