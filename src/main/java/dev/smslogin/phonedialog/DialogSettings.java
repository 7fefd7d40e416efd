package dev.smslogin.phonedialog;

import dev.smslogin.code.SendLimits;
import dev.smslogin.code.VerifyLimits;
import dev.smslogin.phonecode.HumanCheckPolicy;
import dev.smslogin.sms.SmsPurpose;
import dev.smslogin.sms.SmsTemplate;

import java.time.Duration;
import java.util.Set;

/**
 * What a phone dialog runs with: the form and life of its codes, the limits of sending and checking them, the
 * regions a number may belong to, the human check in front of the sends (when it is asked), and the flow's own SMS sign name and
 * template (null: the sender's for the dialog's purpose).
 */
public record DialogSettings(int codeLength, Duration codeTtl, SendLimits sendLimits, VerifyLimits verifyLimits,
                             String defaultRegion, Set<String> allowedRegions, HumanCheckPolicy humanCheck,
                             String smsSignName, String smsTemplateCode) {

    /** The message a code of {@code purpose} goes out in. */
    public SmsTemplate smsTemplate(SmsPurpose purpose) {
        return new SmsTemplate(purpose, smsSignName, smsTemplateCode);
    }
}
