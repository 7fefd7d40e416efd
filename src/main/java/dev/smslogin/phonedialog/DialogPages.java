package dev.smslogin.phonedialog;

import dev.smslogin.phone.PhoneNumber;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.utils.FormMessage;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the two pages of a phone dialog: the phone page and the code page. */
final class DialogPages {

    static final String PHONE_TEMPLATE = "sms-login-phone.ftl";
    static final String CODE_TEMPLATE = "sms-login-code.ftl";
    static final String PHONE_FIELD = PhoneDialog.PHONE_FIELD;
    static final String CODE_FIELD = PhoneDialog.CODE_FIELD;
    /** The page attribute by which a human check names its adapter script (theme-resources/resources/js/). */
    static final String HUMAN_CHECK_ADAPTER = "adapter";

    private DialogPages() {
    }

    /** The phone page; {@code humanCheck}: the check's widget attributes when the next send asks it, else empty. */
    static Response phonePage(DialogStep step, DialogSettings settings, DialogPurpose purpose, boolean skippable, String typed, FormMessage error,
                              Map<String, String> humanCheck) {
        LoginFormsProvider form = step.newForm();
        if (error != null) {
            form.addError(error);
        }
        Locale locale = step.session().getContext().resolveLocale(step.currentUser());
        List<RegionChoice.Region> regions = RegionChoice.options(settings.allowedRegions(), RegionChoice.chosen(step.request(), settings), locale);
        form.setAttribute("smsLogin", new SmsLoginBean(typed, null, 0, settings, purpose, regions, skippable));
        addHumanCheck(step, humanCheck, form);
        return form.createForm(PHONE_TEMPLATE);
    }

    /** The code page; {@code humanCheck}: the check's widget attributes when a resend asks it, else empty. */
    static Response codePage(DialogStep step, DialogSettings settings, DialogPurpose purpose, PhoneNumber phone, long resendWaitSeconds,
                             FormMessage error, FormMessage info, Map<String, String> humanCheck) {
        LoginFormsProvider form = step.newForm();
        if (error != null) {
            form.addError(error);
        }
        if (info != null) {
            form.addSuccess(info);
        }
        form.setAttribute("smsLogin", new SmsLoginBean(null, phone.maskedForDisplay(), resendWaitSeconds, settings, purpose, List.of(), false));
        addHumanCheck(step, humanCheck, form);
        return form.createForm(CODE_TEMPLATE);
    }

    /**
     * The human check widget: both pages send SMS (the code page with "resend"), so both carry it when the next send asks
     * the check ({@code attributes} not empty). A widget provider's
     * attributes (those naming an {@code adapter} script) also get the page's language ({@code lang}, a BCP 47 tag such
     * as {@code zh-CN}), so that the adapter can start the vendor's widget in it.
     */
    private static void addHumanCheck(DialogStep step, Map<String, String> attributes, LoginFormsProvider form) {
        if (attributes.isEmpty()) {
            return;
        }
        if (attributes.containsKey(HUMAN_CHECK_ADAPTER)) {
            attributes = new LinkedHashMap<>(attributes);
            attributes.put("lang", step.session().getContext().resolveLocale(step.currentUser()).toLanguageTag());
        }
        form.setAttribute("humanCheck", attributes);
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
        private final DialogSettings settings;
        private final DialogPurpose purpose;
        private final List<RegionChoice.Region> regions;
        private final boolean skippable;

        SmsLoginBean(String phoneNumber, String maskedPhone, long resendWaitSeconds, DialogSettings settings, DialogPurpose purpose,
                     List<RegionChoice.Region> regions, boolean skippable) {
            this.skippable = skippable;
            this.phoneNumber = phoneNumber;
            this.maskedPhone = maskedPhone;
            this.resendWaitSeconds = resendWaitSeconds;
            this.settings = settings;
            this.purpose = purpose;
            this.regions = regions;
        }

        /** The message key of the pages' heading. */
        public String getTitleKey() {
            return purpose.titleKey();
        }

        /** False when the number is the account's: the code page offers no "use another number". */
        public boolean isNumberChangeable() {
            return purpose.numberChosenByUser();
        }

        /** Whether the phone page lists the realm's identity providers: on the login's page, where they are another way in. */
        public boolean isIdentityProvidersShown() {
            return purpose == DialogPurpose.LOGIN;
        }

        /** Whether the phone page offers "skip" (a step that may go on without a number). */
        public boolean isSkippable() {
            return skippable;
        }

        /** The message key of the code page's submit button. */
        public String getSubmitKey() {
            return purpose.submitKey();
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
            return settings.codeLength();
        }

        public String getDefaultRegion() {
            return settings.defaultRegion();
        }

        public java.util.Set<String> getAllowedRegions() {
            return settings.allowedRegions();
        }

        /** The region selector's options; empty when the flow allows a single region (no selector). */
        public List<RegionChoice.Region> getRegions() {
            return regions;
        }
    }
}
