package dev.smslogin.nativeapp;

import dev.smslogin.account.PhoneHolder;
import dev.smslogin.account.PhoneSignIn;
import dev.smslogin.account.PhoneUsers;
import dev.smslogin.carrier.OneTapService;
import dev.smslogin.code.CodeStoreUnavailableException;
import dev.smslogin.code.Verification;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.phonecode.PhoneCodes;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.NumberFirstStep;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigCache;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;

/**
 * {@code sms-login-direct-grant}: tokens for {@code grant_type=password} with {@code phone_number} and {@code code},
 * a code sent by the API to this client ({@link CodesResource}), or with {@code carrier_token}, the carrier's one-tap
 * token, where the flow enables one-tap sign-in ({@link OneTapGrant}). The code is checked as the login page checks it,
 * and the right one signs in as the login page does ({@link PhoneSignIn}: sign-up, linking, MySQL mirror, events,
 * brute-force counting). Answers are OAuth errors with a description a developer can act on.
 */
final class SmsDirectGrantAuthenticator implements NumberFirstStep {

    private static final Logger LOG = Logger.getLogger(SmsDirectGrantAuthenticator.class);

    private final SmsLoginConfigCache configs;
    private final SmsLoginMetrics metrics;
    private final OneTapGrant oneTap;

    SmsDirectGrantAuthenticator(SmsLoginConfigCache configs, SmsLoginMetrics metrics, OneTapService oneTapService) {
        this.configs = configs;
        this.metrics = metrics;
        this.oneTap = new OneTapGrant(oneTapService);
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = config(context);
        if (config == null) {
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String typedPhone = form.getFirst(NativeAppFields.PHONE_NUMBER);
        String typedCode = form.getFirst(NativeAppFields.CODE);
        String carrierToken = form.getFirst(NativeAppFields.CARRIER_TOKEN);
        if (typedPhone == null && carrierToken == null && context.getExecution().isAlternative()) {
            context.attempted();    // a password login of the same flow, say
            return;
        }
        if (BuiltInClients.isBuiltIn(context.getSession(), context.getAuthenticationSession().getClient())) {
            // Keycloak's own clients (admin-cli...) never get tokens for an SMS code, whatever the realm's direct-grant flow
            LOG.debugf("SMS login: invalid_client (%s), client '%s' of realm '%s'; no tokens", NativeAppClient.BUILT_IN_CLIENT,
                    context.getAuthenticationSession().getClient().getClientId(), context.getRealm().getName());
            context.getEvent().detail(Details.REASON, NativeAppClient.BUILT_IN_CLIENT).error(Errors.INVALID_CLIENT);
            context.failure(AuthenticationFlowError.CLIENT_NOT_FOUND, OAuthAnswers.invalidClient());
            return;
        }
        if (carrierToken != null) {
            oneTap.authenticate(context, config, carrierToken, typedPhone);
            return;
        }
        if (typedPhone == null || typedCode == null) {
            context.getEvent().error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "Missing parameter: " + (typedPhone == null ? NativeAppFields.PHONE_NUMBER : NativeAppFields.CODE));
            return;
        }
        PhoneNumber phone;
        try {
            phone = new PhoneNumberParser(config.defaultRegion(), config.allowedRegions()).parse(typedPhone);
        } catch (InvalidPhoneNumberException e) {
            context.getEvent().error(Errors.INVALID_INPUT);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "phone_number is not a mobile number of an allowed region; use the number the code was sent to.");
            return;
        }
        String code = typedCode.strip();
        if (code.length() != config.codeLength() || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_CODE);
            metrics.codeTyped(context.getRealm().getName(), SmsLoginMetrics.VerifyResult.MALFORMED);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_REQUEST,
                    "code must be the " + config.codeLength() + " digits of the text message.");
            return;
        }
        PhoneCodes codes = NativeAppCodes.of(context.getSession(), context.getRealm());
        Verification verification;
        try {
            verification = codes.check(NativeAppCodes.scope(codes, phone, context.getAuthenticationSession().getClient()), phone, code,
                    config.verifyLimits());
        } catch (CodeStoreUnavailableException e) {
            context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(Errors.INVALID_REQUEST);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE,
                    OAuthAnswers.TEMPORARILY_UNAVAILABLE, "The code cannot be checked right now; try again in a moment with the same code.");
            return;
        }
        PhoneDialog.TypedCode typed = new PhoneDialog.TypedCode(phone, verification);
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), phone, config.usernameFormat());
        if (!typed.valid()) {
            String error = PhoneSignIn.wrongCode(context, holder, typed);
            context.getEvent().detail(PhoneDialog.EVENT_DETAIL_PHONE, phone.masked()).error(error);
            fail(context, AuthenticationFlowError.INVALID_CREDENTIALS, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                    wrongCodeDescription(verification));
            return;
        }
        signIn(context, config, phone, holder);
    }

    /**
     * The number is proven (a right code, or the carrier's word): sign in or up as the login page does, and answer
     * what stops it as an OAuth error.
     */
    static void signIn(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, PhoneHolder holder) {
        switch (PhoneSignIn.proven(context, config, phone, holder)) {
            case LOGGED_IN -> {
            }
            case NO_ACCOUNT -> fail(context, AuthenticationFlowError.INVALID_USER, Response.Status.BAD_REQUEST, OAuthAnswers.INVALID_GRANT,
                    "No account has this number, and sign-up by SMS is closed.");
            case ACCOUNT_DISABLED -> fail(context, AuthenticationFlowError.USER_DISABLED, Response.Status.BAD_REQUEST,
                    OAuthAnswers.INVALID_GRANT, "Account disabled.");
            case ACCOUNT_LOCKED -> fail(context, AuthenticationFlowError.USER_TEMPORARILY_DISABLED, Response.Status.BAD_REQUEST,
                    OAuthAnswers.INVALID_GRANT, "Account temporarily locked after too many failed logins; try again later.");
            case ACCOUNT_CONFLICT -> fail(context, AuthenticationFlowError.INVALID_USER, Response.Status.BAD_REQUEST,
                    OAuthAnswers.INVALID_GRANT, "This number's account needs an administrator's attention; contact support.");
            case UNAVAILABLE -> fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.SERVICE_UNAVAILABLE,
                    OAuthAnswers.TEMPORARILY_UNAVAILABLE, "Sign-in by text message is temporarily unavailable; ask for a new code in a moment.");
        }
    }

    private static String wrongCodeDescription(Verification verification) {
        return switch (verification) {
            case WRONG -> "Wrong code; check the text message and try again.";
            case WRONG_AND_BURNED -> "Wrong code, and too many wrong codes: this code can no longer be used; ask for a new code.";
            case LOCKED -> "Too many wrong codes for this number; try again later.";
            default -> "No valid code for this number and client: it expired, was used, or was asked for elsewhere; ask for a new code.";
        };
    }

    static void fail(AuthenticationFlowContext context, AuthenticationFlowError flowError, Response.Status status,
                             String error, String description) {
        context.failure(flowError, OAuthAnswers.error(status, error, description).build());
    }

    private SmsLoginConfig config(AuthenticationFlowContext context) {
        try {
            return configs.get(context.getAuthenticatorConfig());
        } catch (SmsLoginConfig.InvalidConfigException e) {
            LOG.errorf("SMS login: the sms-login-direct-grant settings in realm '%s' are invalid: %s", context.getRealm().getName(), e.getMessage());
            context.getEvent().error(Errors.INVALID_CONFIG);
            fail(context, AuthenticationFlowError.INTERNAL_ERROR, Response.Status.INTERNAL_SERVER_ERROR, OAuthAnswers.SERVER_ERROR,
                    "The sms-login-direct-grant step is misconfigured.");
            return null;
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }
}
