package dev.smslogin.nativeapp;

import dev.smslogin.account.PhoneHolder;
import dev.smslogin.account.PhoneUsers;
import dev.smslogin.carrier.CarrierCheck;
import dev.smslogin.carrier.CarrierChecks;
import dev.smslogin.carrier.CarrierTokenRefusedException;
import dev.smslogin.carrier.CarrierUnavailableException;
import dev.smslogin.carrier.OneTapService;
import dev.smslogin.carrier.OneTapSettings;
import dev.smslogin.carrier.OneTapTokens;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.OnceClaim;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.SmsLoginConfig;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;

import java.util.UUID;

import static dev.smslogin.nativeapp.SmsDirectGrantAuthenticator.fail;

/**
 * One-tap sign-in ("本机号码一键登录") in {@code sms-login-direct-grant}: {@code carrier_token}, the one-click SDK's token,
 * instead of a code. The carrier's number ({@code GetMobile}), or the typed {@code phone_number} the carrier confirms
 * ({@code VerifyMobile}, only {@code PASS}), is proven as a right code proves one, and signs in through the same
 * {@link SmsDirectGrantAuthenticator#signIn} (sign-up, linking, MySQL row, events, region and holder rules). Each
 * token is claimed for the client before the carrier is asked ({@link OneTapTokens}): shown again, by that client or
 * another, it is refused. The carrier down or slow: 503 {@code temporarily_unavailable}, the claim given back; the app
 * falls back to an SMS code.
 */
final class OneTapGrant {

    private static final Logger LOG = Logger.getLogger(OneTapGrant.class);
    /** Event detail: how the number was proven, {@code carrier} here (absent for a code). */
    static final String EVENT_DETAIL_PROOF = "phone_proof";
    static final String PROOF_CARRIER = "carrier";
    /** Longer than any token the carriers' SDKs give (a few hundred characters); longer ones are refused unasked. */
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final String FALL_BACK = " Sign in with an SMS code instead (POST /realms/{realm}/sms-login/codes).";

    private final OneTapService service;

    OneTapGrant(OneTapService service) {
        this.service = service;
    }

    void authenticate(AuthenticationFlowContext context, SmsLoginConfig config, String token, String typedPhone) {
        OneTapSettings settings = settings(context);
        if (settings == null) {
            return;
        }
        context.getEvent().detail(EVENT_DETAIL_PROOF, PROOF_CARRIER);
        if (!settings.enabled()) {
            context.getEvent().detail(Details.REASON, "one_tap_off").error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "carrier_token is not accepted: one-tap sign-in is off for this client's flow (setting oneTap of sms-login-direct-grant)."
                            + FALL_BACK);
            return;
        }
        String carrierToken = token.strip();
        if (carrierToken.isEmpty() || carrierToken.length() > MAX_TOKEN_LENGTH) {
            context.getEvent().error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "carrier_token must be the token the one-click SDK gave.");
            return;
        }
        PhoneNumberParser parser = new PhoneNumberParser(config.defaultRegion(), config.allowedRegions());
        PhoneNumber typed = null;
        if (typedPhone != null) {
            try {
                typed = parser.parse(typedPhone);
            } catch (InvalidPhoneNumberException e) {
                context.getEvent().error(Errors.INVALID_INPUT);
                fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                        "phone_number is not a mobile number of an allowed region.");
                return;
            }
        }
        ClientModel client = context.getAuthenticationSession().getClient();
        if (!withinLimit(context, config) || !claimed(context, client, carrierToken)) {
            return;
        }
        PhoneNumber phone = proven(context, service, parser, client, carrierToken, typed);
        if (phone == null) {
            return;
        }
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), phone, config.usernameFormat());
        SmsDirectGrantAuthenticator.signIn(context, config, phone, holder);
    }

    /**
     * One client IP's one-tap attempts per rolling hour are held to the flow's {@code maxSendsPerIpPerHour}, as its
     * codes are: every attempt costs a call to the carrier. False (answered 429 {@code slow_down}) over it.
     */
    private static boolean withinLimit(AuthenticationFlowContext context, SmsLoginConfig config) {
        long waitMillis;
        try {
            waitMillis = OneTapTokens.attempt(context.getSession(), context.getRealm(), context.getConnection().getRemoteAddr(),
                    config.maxSendsPerIpPerHour());
        } catch (CodeStoreUnavailableException e) {
            context.getEvent().error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE, OAuthAnswers.TEMPORARILY_UNAVAILABLE,
                    "One-tap sign-in is temporarily unavailable." + FALL_BACK);
            return false;
        }
        if (waitMillis == 0) {
            return true;
        }
        long retryAfter = Math.max(1, (waitMillis + 999) / 1000);
        context.getEvent().detail(Details.REASON, "one_tap_ip_limit").error(Errors.SLOW_DOWN);
        context.failure(AuthenticationFlowError.INVALID_CREDENTIALS, OAuthAnswers.slowDown(retryAfter,
                "Too many one-tap sign-ins from this network; try again after retry_after seconds, or sign in with an SMS code.").build());
        return false;
    }

    /** Claims the token for the client; false (answered) when it was shown before or the store is down. */
    private static boolean claimed(AuthenticationFlowContext context, ClientModel client, String token) {
        OnceClaim claim;
        try {
            claim = OneTapTokens.claim(context.getSession(), context.getRealm(), client, token);
        } catch (CodeStoreUnavailableException e) {
            context.getEvent().error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE, OAuthAnswers.TEMPORARILY_UNAVAILABLE,
                    "One-tap sign-in is temporarily unavailable." + FALL_BACK);
            return false;
        }
        if (claim == OnceClaim.CLAIMED) {
            return true;
        }
        boolean sameClient = claim == OnceClaim.SEEN_BY_SAME_HOLDER;
        LOG.debugf("One-tap sign-in: a carrier_token shown before (%s) refused, client '%s' of realm '%s'", sameClient ? "same client" : "another client",
                client.getClientId(), context.getRealm().getName());
        context.getEvent().detail(Details.REASON, sameClient ? "carrier_token_used" : "carrier_token_of_another_client").error(Errors.INVALID_TOKEN);
        fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                (sameClient ? "This carrier_token was already used; a token is good once: get a new one from the one-click SDK."
                        : "This carrier_token was shown by another client; a token is good for the client whose app got it.") + FALL_BACK);
        return false;
    }

    /** The number the carrier vouches for; null (answered) when it does not, or cannot say now. */
    private static PhoneNumber proven(AuthenticationFlowContext context, OneTapService service, PhoneNumberParser parser,
                                      ClientModel client, String token, PhoneNumber typed) {
        String outId = UUID.randomUUID().toString();
        try {
            CarrierCheck carrier = CarrierChecks.of(context.getSession(), context.getRealm(), service);
            if (typed != null) {
                return confirmed(context, carrier, token, typed, outId);
            }
            String mobile = carrier.mobile(token, outId);
            try {
                // the carriers' numbers are mainland China's, given without country code
                return parser.parse(mobile.startsWith("+") ? mobile : "+86" + mobile);
            } catch (InvalidPhoneNumberException e) {
                LOG.debugf("One-tap sign-in: the carrier's number is not one of the allowed regions %s (OutId %s)",
                        context.getAuthenticatorConfig() == null ? "CN" : context.getAuthenticatorConfig().getConfig().get(SmsLoginConfig.ALLOWED_REGIONS), outId);
                context.getEvent().detail(Details.REASON, "carrier_number_not_allowed").error(Errors.INVALID_INPUT);
                fail(context, AuthenticationFlowError.INVALID_USER, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                        "This phone's number cannot sign in here (its region is not allowed).");
                return null;
            }
        } catch (CarrierTokenRefusedException e) {
            LOG.debugf("One-tap sign-in: Aliyun refused a carrier_token: %s (OutId %s)", e.code(), outId);
            context.getEvent().detail(Details.REASON, e.code()).error(Errors.INVALID_TOKEN);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                    "The carrier refused carrier_token: it is invalid, expired or used; get a new one from the one-click SDK." + FALL_BACK);
            return null;
        } catch (CarrierUnavailableException e) {
            LOG.warnf("One-tap sign-in in realm '%s' unavailable: %s (OutId %s)", context.getRealm().getName(), e.getMessage(), outId);
            try {
                OneTapTokens.release(context.getSession(), context.getRealm(), client, token);
            } catch (CodeStoreUnavailableException ignored) {
                // the claim stays until it expires: the app falls back to a code, or gets a new token
            }
            context.getEvent().detail(Details.REASON, "carrier_unavailable").error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE, OAuthAnswers.TEMPORARILY_UNAVAILABLE,
                    "One-tap sign-in is temporarily unavailable." + FALL_BACK);
            return null;
        }
    }

    /** {@code VerifyMobile}: only {@code PASS} proves the typed number. */
    private static PhoneNumber confirmed(AuthenticationFlowContext context, CarrierCheck carrier, String token, PhoneNumber typed, String outId) {
        if (!typed.region().equals("CN")) {
            context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, typed.masked()).detail(Details.REASON, "not_a_carrier_number").error(Errors.INVALID_INPUT);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                    "The carriers confirm mainland China numbers only." + FALL_BACK);
            return null;
        }
        CarrierCheck.Verdict verdict = carrier.verify(token, typed.nationalNumber(), outId);
        if (verdict == CarrierCheck.Verdict.PASS) {
            return typed;
        }
        context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, typed.masked()).detail(Details.REASON, "carrier_" + verdict.name().toLowerCase(java.util.Locale.ROOT))
                .error(Errors.INVALID_USER_CREDENTIALS);
        fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                (verdict == CarrierCheck.Verdict.REJECT ? "The carrier says phone_number is not this phone's number (REJECT)."
                        : "The carrier cannot tell whether phone_number is this phone's number (UNKNOWN).") + FALL_BACK);
        return null;
    }

    private static OneTapSettings settings(AuthenticationFlowContext context) {
        try {
            return OneTapSettings.parse(context.getAuthenticatorConfig() == null ? null : context.getAuthenticatorConfig().getConfig());
        } catch (IllegalArgumentException e) {
            LOG.errorf("One-tap sign-in: the sms-login-direct-grant settings in realm '%s' are invalid: %s", context.getRealm().getName(), e.getMessage());
            context.getEvent().error(Errors.INVALID_CONFIG);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.INTERNAL_SERVER_ERROR, OAuthAnswers.SERVER_ERROR,
                    "The sms-login-direct-grant step is misconfigured.");
            return null;
        }
    }
}
