package dev.smslogin.adminedit;

import dev.smslogin.account.PhoneClaim;
import dev.smslogin.phone.InvalidPhoneNumberException;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phone.PhoneNumberParser;
import dev.smslogin.realm.PhoneAttributes;
import dev.smslogin.realm.PhoneSteps;
import dev.smslogin.settings.SmsLoginConfig;
import dev.smslogin.settings.SmsLoginConfigCache;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code sms-login-phone-number}: the user-profile validator of {@code phoneNumber}, for every way a value arrives
 * (the admin console, the Admin REST API, a user's own profile form; imports bypass the user profile: see
 * {@link PhoneNumberEdits} and {@link ImportedPhoneNumbers}): a new value must be a mobile
 * number in E.164 form ({@code +8613912345678}) of a region one of the realm's SMS login executions allows, and no
 * other user may hold it. An empty value passes (clearing the number removes the phone login), and so does a value
 * the user already holds, so that a number that predates a stricter setting does not block every other edit.
 */
public final class PhoneNumberValidator implements SimpleValidator {

    public static final String ID = PhoneSteps.PHONE_NUMBER_VALIDATOR;
    static final String INVALID = "smsLoginPhoneNumberInvalid";
    static final String NOT_MOBILE = "smsLoginPhoneNumberNotMobile";
    static final String REGION_NOT_ALLOWED = "smsLoginPhoneNumberRegionNotAllowed";
    static final String IN_USE = "smsLoginPhoneNumberInUse";
    static final String BUSY = "smsLoginPhoneNumberBusy";

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private final SmsLoginConfigCache configs = new SmsLoginConfigCache();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        List<String> values = values(input);
        UserModel user = context instanceof UserProfileAttributeValidationContext profile
                ? profile.getAttributeContext().getUser() : null;
        if (user != null && !Objects.equals(user.getFirstAttribute(inputHint), values.isEmpty() ? null : values.get(0))) {
            // this request changes the number: the app's row must follow, or the change is refused (PhoneNumberEdits)
            PhoneNumberEdits.changing(context.getSession(), user, user.getFirstAttribute(inputHint));
        }
        if (user != null && context instanceof UserProfileAttributeValidationContext profile
                && "true".equals(profile.getAttributeContext().getAttributes().getFirst(PhoneAttributes.PHONE_NUMBER_VERIFIED))
                && !"true".equals(user.getFirstAttribute(PhoneAttributes.PHONE_NUMBER_VERIFIED))) {
            // phoneNumberVerified set to true by this request: an admin vouches for the number the user will hold
            PhoneNumberEdits.vouching(context.getSession(), user);
        }
        for (String value : values) {
            String error = check(value, inputHint, user, context);
            if (error != null) {
                context.addError(new ValidationError(ID, inputHint, error));
            }
        }
        return context;
    }

    private String check(String value, String attribute, UserModel user, ValidationContext context) {
        if (user != null && Objects.equals(user.getFirstAttribute(attribute), value)) {
            return null;
        }
        KeycloakSession session = context.getSession();
        RealmModel realm = session.getContext().getRealm();
        String malformed = formatError(parser(realm, configs), value);
        if (malformed != null) {
            return malformed;
        }
        PhoneNumber phone = PhoneNumber.fromE164(value);
        try {
            // a concurrent change of the number (another admin, a sign-up) commits before this one looks: one holder
            PhoneClaim.claim(session, realm, phone);
        } catch (PhoneClaim.Busy e) {
            return BUSY;
        }
        boolean heldByAnother = session.users().searchForUserByUserAttributeStream(realm, attribute, value)
                .anyMatch(holder -> user == null || !holder.getId().equals(user.getId()));
        return heldByAnother ? IN_USE : null;
    }

    /**
     * The message key of why {@code value} is no number a user may hold, or null: it must be a mobile number in its
     * E.164 form, of a region the parser allows.
     */
    static String formatError(PhoneNumberParser parser, String value) {
        if (!E164.matcher(value).matches()) {
            return INVALID;
        }
        try {
            return parser.parse(value).e164().equals(value) ? null : INVALID;
        } catch (InvalidPhoneNumberException e) {
            return switch (e.reason()) {
                case MALFORMED -> INVALID;
                case NOT_MOBILE -> NOT_MOBILE;
                case REGION_NOT_ALLOWED -> REGION_NOT_ALLOWED;
            };
        }
    }

    /** Parses numbers of the regions any of the realm's SMS login executions allows ({@code allowedRegions}; CN with none). */
    static PhoneNumberParser parser(RealmModel realm, SmsLoginConfigCache configs) {
        Set<String> regions = new LinkedHashSet<>();
        realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(execution -> PhoneSteps.SMS_LOGIN.equals(execution.getAuthenticator()))
                .forEach(execution -> regions.addAll(regionsOf(realm, execution, configs)));
        return new PhoneNumberParser("ZZ", regions.isEmpty() ? SmsLoginConfig.defaults().allowedRegions() : regions);
    }

    private static Set<String> regionsOf(RealmModel realm, AuthenticationExecutionModel execution, SmsLoginConfigCache configs) {
        try {
            String configId = execution.getAuthenticatorConfig();
            return configs.get(configId == null ? null : realm.getAuthenticatorConfigById(configId)).allowedRegions();
        } catch (SmsLoginConfig.InvalidConfigException e) {
            return Set.of();    // an execution with invalid settings sends nothing
        }
    }

    private static List<String> values(Object input) {
        if (input instanceof Collection<?> collection) {
            return collection.stream().filter(Objects::nonNull).map(Object::toString).filter(v -> !v.isBlank()).toList();
        }
        return input == null || input.toString().isBlank() ? List.of() : List.of(input.toString());
    }
}
