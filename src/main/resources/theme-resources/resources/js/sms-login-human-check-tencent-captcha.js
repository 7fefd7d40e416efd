/*
 * Tencent Cloud CAPTCHA on the SMS pages: the adapter of the human check "tencent-captcha" (see
 * sms-login-human-check.ftl). Reads div.sms-login-human-check[data-provider=tencent-captcha] (data-captcha-app-id,
 * data-lang) and, when the form's "send" (phone page) or "resend" (code page) button is pressed, opens Tencent's
 * widget (new TencentCaptcha(CaptchaAppId, callback, {userLanguage}).show(), from TJCaptcha.js). When the person
 * passes (callback ret 0 with a ticket), the ticket and randstr go into hidden inputs "ticket" and "randstr" and the
 * form is submitted by the same button. The server checks them with Tencent (DescribeCaptchaResult) before any SMS.
 * Closing the widget (ret 2) submits nothing. When TJCaptcha.js does not load, or the widget reports an error (its
 * fallback ticket, which the server does not accept), the form submits as it is and the server refuses: no SMS, and
 * the page says the verification is missing.
 */
(function () {
    "use strict";

    var FIELDS = ["ticket", "randstr"];
    var CLOSED_BY_USER = 2;

    /** Tencent's userLanguage for a BCP 47 tag of the page (zh-CN: zh-cn, en: en). */
    function language(tag) {
        var lower = (tag || "").toLowerCase();
        if (lower === "zh-tw" || lower.indexOf("zh-hant") === 0) {
            return "zh-tw";
        }
        if (lower === "zh-hk") {
            return "zh-hk";
        }
        if (lower.indexOf("zh") === 0) {
            return "zh-cn";
        }
        var known = ["en", "ja", "ko", "id", "ru", "ar", "de", "fr", "es", "pt", "it", "th", "vi", "tr", "ms"];
        var primary = lower.split("-")[0];
        return known.indexOf(primary) >= 0 ? primary : "en";
    }

    function start() {
        var holder = document.querySelector(".sms-login-human-check[data-provider='tencent-captcha']");
        var form = holder && holder.closest("form");
        if (!form || !window.smsLoginHumanCheck) {
            return; // the form submits without a ticket and the server refuses
        }
        var shared = window.smsLoginHumanCheck;
        var inputs = shared.hiddenInputs(holder, FIELDS);
        var appId = holder.getAttribute("data-captcha-app-id");
        var userLanguage = language(holder.getAttribute("data-lang") || document.documentElement.lang);
        var broken = typeof window.TencentCaptcha !== "function";
        var submitter = null;
        if (!broken) {
            holder.setAttribute("data-ready", "true");
        }

        function submitAsAsked() {
            shared.submitWith(form, submitter);
        }

        function passed(result) {
            if (!result || result.ret === CLOSED_BY_USER) {
                return; // the person closed the widget: nothing is sent, "send" opens it again
            }
            if (result.ret === 0 && result.ticket && !result.errorCode) {
                inputs.ticket.value = String(result.ticket);
                inputs.randstr.value = String(result.randstr || "");
            } else {
                broken = true; // the widget failed: submit without a ticket, the server refuses
            }
            submitAsAsked();
        }

        form.addEventListener("submit", function (event) {
            var button = event.submitter;
            if (!shared.asksForCode(button) || broken || shared.filled(inputs)) {
                return;
            }
            event.preventDefault();
            submitter = button || null;
            try {
                new window.TencentCaptcha(appId, passed, {userLanguage: userLanguage}).show();
            } catch (e) {
                broken = true;
                submitAsAsked();
            }
        });

        shared.clearOnReturn(inputs);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
