package dev.smslogin.nativeapp;

import dev.smslogin.code.CodeScope;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.phonecode.HumanCheckGate;
import dev.smslogin.phonecode.PhoneCodes;
import dev.smslogin.phonecode.SendOutcome;
import dev.smslogin.settings.RealmSendLimits;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.sms.SmsPurpose;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;

/**
 * One ask for a code through the API, once the client is known: the number as the login page would take it, the
 * flow's human check, then {@link PhoneCodes#send} within the flow's limits. Nothing here looks at users: a
 * registered and an unknown number get the same answers in the same time.
 */
final class CodeSend {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final RealmSendLimits sendLimits;
    private final SmsLoginMetrics metrics;

    CodeSend(KeycloakSession session, RealmModel realm, RealmSendLimits sendLimits, SmsLoginMetrics metrics) {
        this.session = session;
        this.realm = realm;
        this.sendLimits = sendLimits;
        this.metrics = metrics;
    }

    Response.ResponseBuilder send(ClientModel client, String executionId, SmsLoginConfig config, Map<String, String> fields) {
        PhoneNumber phone;
        try {
            phone = new PhoneNumberParser(config.defaultRegion(), config.allowedRegions()).parse(fields.get(NativeAppFields.PHONE_NUMBER));
        } catch (InvalidPhoneNumberException e) {
            metrics.codeAsked(realm.getName(), SmsLoginMetrics.SendResult.INVALID_NUMBER);
            return OAuthAnswers.error(Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_PHONE_NUMBER, rejection(e, config));
        }
        PhoneCodes codes = NativeAppCodes.of(session, realm);
        CodeScope scope = NativeAppCodes.scope(codes, phone, client);
        String clientAddress = session.getContext().getConnection().getRemoteAddr();
        HumanCheckGate.Verdict verdict = codes.humanChecks().check(config.humanCheckPolicy(), scope, phone, fields, clientAddress,
                sendLimits.of(realm, executionId, config));
        if (!(verdict instanceof HumanCheckGate.Passed passed)) {
            return refusal(verdict);
        }
        SendOutcome outcome = codes.send(scope, phone, clientAddress, passed.limits(), config.codeLength(), java.time.Duration.ofSeconds(config.codeTtlSeconds()),
                config.smsTemplate(SmsPurpose.LOGIN));
        if (outcome instanceof SendOutcome.Sent sent) {
            return sent(config, sent.cooldownSeconds());
        }
        if (outcome instanceof SendOutcome.Unconfirmed unconfirmed) {
            // the SMS may still arrive: its code stays valid and the cooldown runs, as for a code that went out
            return sent(config, unconfirmed.cooldownSeconds());
        }
        if (outcome instanceof SendOutcome.Refused refusal) {
            return OAuthAnswers.slowDown(refusal.decision().retryAfterSeconds());
        }
        if (outcome instanceof SendOutcome.NotSent notSent) {
            return switch (notSent.failure()) {
                case RATE_LIMITED, NUMBER_LIMITED -> OAuthAnswers.slowDown(config.resendCooldownSeconds());
                case INVALID_NUMBER -> OAuthAnswers.error(Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_PHONE_NUMBER,
                        "The SMS provider cannot deliver to this number.");
                case MISCONFIGURED, UNAVAILABLE, BUSY -> OAuthAnswers.unavailable();
            };
        }
        return OAuthAnswers.unavailable();
    }

    private static Response.ResponseBuilder sent(SmsLoginConfig config, long resendIn) {
        return OAuthAnswers.json(Response.Status.OK, Map.of("expires_in", config.codeTtlSeconds(), "resend_in", resendIn));
    }

    /** The answer to an ask the flow's human check stopped ({@link HumanCheckGate}). */
    private Response.ResponseBuilder refusal(HumanCheckGate.Verdict verdict) {
        if (verdict instanceof HumanCheckGate.Refused refused) {
            return refused.dueAfterSends()
                    ? OAuthAnswers.error(Response.Status.BAD_REQUEST, OAuthAnswers.HUMAN_CHECK_REQUIRED,
                    "Codes were sent to this number or from this client recently: show the human check and send its result "
                            + "fields with this request.")
                    : OAuthAnswers.error(Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "The human check failed: send a fresh human-check token with each request.");
        }
        if (verdict instanceof HumanCheckGate.Unavailable) {
            return OAuthAnswers.unavailable();
        }
        return OAuthAnswers.error(Response.Status.INTERNAL_SERVER_ERROR, OAuthAnswers.SERVER_ERROR,
                "The sms-login-direct-grant step is misconfigured (humanCheck).");
    }

    private static String rejection(InvalidPhoneNumberException e, SmsLoginConfig config) {
        return switch (e.reason()) {
            case MALFORMED -> "phone_number is not a phone number; use E.164 (+8613912345678) or a national number of "
                    + config.defaultRegion() + ".";
            case NOT_MOBILE -> "phone_number is not a mobile number.";
            case REGION_NOT_ALLOWED -> "Codes are sent only to numbers of " + String.join(", ", config.allowedRegions()) + ".";
        };
    }
}
