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
    var SENDING_BUTTONS = ["send", "resend"];
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
        if (!form) {
            return;
        }
        var inputs = {};
        FIELDS.forEach(function (name) {
            var input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            holder.appendChild(input);
            inputs[name] = input;
        });
        var appId = holder.getAttribute("data-captcha-app-id");
        var userLanguage = language(holder.getAttribute("data-lang") || document.documentElement.lang);
        var broken = typeof window.TencentCaptcha !== "function";
        var submitter = null;
        if (!broken) {
            holder.setAttribute("data-ready", "true");
        }

        function filled() {
            return FIELDS.every(function (name) {
                return inputs[name].value !== "";
            });
        }

        function submitAsAsked() {
            if (typeof form.requestSubmit === "function") {
                if (submitter) {
                    form.requestSubmit(submitter);
                } else {
                    form.requestSubmit();
                }
                return;
            }
            if (submitter && submitter.name) {
                var pressed = document.createElement("input");
                pressed.type = "hidden";
                pressed.name = submitter.name;
                pressed.value = submitter.value || "";
                form.appendChild(pressed);
            }
            form.submit();
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
            var sends = !button || SENDING_BUTTONS.indexOf(button.name) >= 0;
            if (!sends || broken || filled()) {
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

        window.addEventListener("pageshow", function (event) {
            if (event.persisted) {
                FIELDS.forEach(function (name) {
                    inputs[name].value = ""; // a ticket is good for one check: back in history, ask again
                });
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
