package dev.smslogin.authenticator;

import dev.smslogin.humancheck.HumanCheck;
import dev.smslogin.phone.PhoneNumber;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.utils.FormMessage;

import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Locale;

/** Renders the two pages of the SMS login: the phone page and the code page. */
final class LoginPages {

    static final String PHONE_TEMPLATE = "sms-login-phone.ftl";
    static final String CODE_TEMPLATE = "sms-login-code.ftl";
    static final String PHONE_FIELD = "phone_number";
    static final String CODE_FIELD = "code";

    private LoginPages() {
    }

    static Response phonePage(AuthenticationFlowContext context, SmsLoginConfig config, String typed, FormMessage error) {
        LoginFormsProvider form = context.form();
        if (error != null) {
            form.addError(error);
        }
        Locale locale = context.getSession().getContext().resolveLocale(context.getUser());
        List<RegionChoice.Region> regions = RegionChoice.options(config, RegionChoice.chosen(context, config), locale);
        form.setAttribute("smsLogin", new SmsLoginBean(typed, null, 0, config, regions));
        addHumanCheck(context, config, form);
        return form.createForm(PHONE_TEMPLATE);
    }

    static Response codePage(AuthenticationFlowContext context, SmsLoginConfig config, PhoneNumber phone, long resendWaitSeconds,
                             FormMessage error, FormMessage info) {
        LoginFormsProvider form = context.form();
        if (error != null) {
            form.addError(error);
        }
        if (info != null) {
            form.addSuccess(info);
        }
        form.setAttribute("smsLogin", new SmsLoginBean(null, phone.maskedForDisplay(), resendWaitSeconds, config, List.of()));
        addHumanCheck(context, config, form);
        return form.createForm(CODE_TEMPLATE);
    }

    /** The flow's human check widget: both pages send SMS (the code page with "resend"), so both carry it. */
    private static void addHumanCheck(AuthenticationFlowContext context, SmsLoginConfig config, LoginFormsProvider form) {
        HumanCheck humanCheck = context.getSession().getProvider(HumanCheck.class, config.humanCheck());
        if (humanCheck != null && !humanCheck.pageAttributes().isEmpty()) {
            form.setAttribute("humanCheck", humanCheck.pageAttributes());
        }
    }

    static FormMessage phoneError(String key, Object... params) {
        return new FormMessage(PHONE_FIELD, key, params);
    }

    static FormMessage codeError(String key, Object... params) {
        return new FormMessage(CODE_FIELD, key, params);
    }

    static FormMessage message(String key, Object... params) {
        return new FormMessage(null, key, params);
    }

    /** What the templates read as {@code smsLogin}. */
    public static final class SmsLoginBean {
        private final String phoneNumber;
        private final String maskedPhone;
        private final long resendWaitSeconds;
        private final SmsLoginConfig config;
        private final List<RegionChoice.Region> regions;

        SmsLoginBean(String phoneNumber, String maskedPhone, long resendWaitSeconds, SmsLoginConfig config,
                     List<RegionChoice.Region> regions) {
            this.phoneNumber = phoneNumber;
            this.maskedPhone = maskedPhone;
            this.resendWaitSeconds = resendWaitSeconds;
            this.config = config;
            this.regions = regions;
        }

        /** What the user typed, to refill the field after an error (escaped by the template). */
        public String getPhoneNumber() {
            return phoneNumber == null ? "" : phoneNumber;
        }

        public String getMaskedPhone() {
            return maskedPhone;
        }

        public long getResendWaitSeconds() {
            return resendWaitSeconds;
        }

        public int getCodeLength() {
            return config.codeLength();
        }

        public String getDefaultRegion() {
            return config.defaultRegion();
        }

        public java.util.Set<String> getAllowedRegions() {
            return config.allowedRegions();
        }

        /** The region selector's options; empty when the flow allows a single region (no selector). */
        public List<RegionChoice.Region> getRegions() {
            return regions;
        }
    }
}
