package dev.smslogin.sms.twilio;

import dev.smslogin.sms.SenderConnection;
import dev.smslogin.sms.SenderOptions;
import dev.smslogin.sms.SmsPurpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Twilio sender's options ({@code --spi-sms-sender--twilio--*}, or a realm account's settings of the same
 * names), checked once when read.
 *
 * @param from                the sender: one of the account's numbers (E.164) or an alphanumeric sender ID
 * @param messagingServiceSid the Messaging Service that picks the sender, instead of or beside {@code from}
 * @param message             the text of every purpose without its own, with {@value TwilioTexts#CODE}; null: the
 *                            login theme's text in the user's language
 * @param purposeMessages     {@code message-<purpose>}: the text of one purpose
 */
public record TwilioSettings(String accountSid, String authToken, String from, String messagingServiceSid, String message,
                             Map<SmsPurpose, String> purposeMessages, SenderConnection connection) {

    static final String DEFAULT_ENDPOINT = "api.twilio.com";

    /** Reads the options through {@code option}, which returns null for an option not set. */
    public static TwilioSettings from(Function<String, String> option) {
        SenderOptions options = new SenderOptions(TwilioSmsSenderFactory.PROVIDER_ID, option);
        String accountSid = options.text("account-sid");
        if (accountSid != null && !accountSid.matches("AC[0-9a-fA-F]{32}")) {
            throw options.invalid("account-sid", "must be the Account SID, AC and 32 hexadecimal digits");
        }
        String serviceSid = options.text("messaging-service-sid");
        if (serviceSid != null && !serviceSid.matches("MG[0-9a-fA-F]{32}")) {
            throw options.invalid("messaging-service-sid", "must be a Messaging Service SID, MG and 32 hexadecimal digits");
        }
        String from = options.text("from");
        if (from != null && !from.matches("\\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11}")) {
            throw options.invalid("from", "must be one of the account's numbers in E.164 (+14155552671) or an alphanumeric sender ID of up to 11 characters");
        }
        String message = options.text("message");
        Map<SmsPurpose, String> purposeMessages = options.perPurpose("message");
        checkHasCode(options, "message", message);
        purposeMessages.forEach((purpose, text) -> checkHasCode(options, SenderOptions.perPurposeName("message", purpose), text));
        return new TwilioSettings(accountSid, options.text("auth-token"), from, serviceSid, message, purposeMessages,
                options.connection(DEFAULT_ENDPOINT));
    }

    private static void checkHasCode(SenderOptions options, String name, String text) {
        if (text != null && !text.contains(TwilioTexts.CODE)) {
            throw options.invalid(name, "must contain " + TwilioTexts.CODE + ", where the code goes");
        }
    }

    /** The server's text for {@code purpose}: its own, else {@code message}; null when neither is set. */
    String messageFor(SmsPurpose purpose) {
        return purposeMessages.getOrDefault(purpose, message);
    }

    /** The options an admin still has to set; empty when the sender can send. */
    public List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (accountSid == null) missing.add("account-sid");
        if (authToken == null) missing.add("auth-token");
        if (from == null && messagingServiceSid == null) missing.add("from (or messaging-service-sid)");
        return missing;
    }

    @Override
    public String toString() {
        return "TwilioSettings[endpoint=" + connection.baseUrl() + ", from=" + from + ", messagingServiceSid=" + messagingServiceSid
                + ", accountSid=" + (accountSid == null ? "unset" : "set") + ", authToken=" + (authToken == null ? "unset" : "set") + "]";
    }
}
