/*
 * GeeTest CAPTCHA v4 on the SMS pages: the adapter of the human check "geetest" (see sms-login-human-check.ftl).
 * Reads div.sms-login-human-check[data-provider=geetest] (data-captcha-id, data-lang) and starts the widget,
 * initGeetest4 with product "bind": pressing the form's "send" (phone page) or "resend" (code page) button opens the
 * challenge first (showCaptcha; GeeTest lets most people through without a puzzle); when the person passes,
 * getValidate()'s lot_number, captcha_output, pass_token and gen_time go into hidden inputs of those names and the
 * form is submitted by the same button. The server validates them with GeeTest before any SMS.
 * When gt4.js does not load, or the widget reports an error or never gets ready, the form submits as it is and the
 * server refuses: no SMS, and the page says the verification is missing.
 */
(function () {
    "use strict";

    var FIELDS = ["lot_number", "captcha_output", "pass_token", "gen_time"];
    var READY_WAIT_MS = 8000;

    /** GeeTest's language code for a BCP 47 tag of the page (zh-CN: zho, en: eng). */
    function language(tag) {
        var lower = (tag || "").toLowerCase();
        if (lower === "zh-tw" || lower.indexOf("zh-hant") === 0) {
            return "zho-tw";
        }
        if (lower === "zh-hk") {
            return "zho-hk";
        }
        var codes = {zh: "zho", en: "eng", ja: "jpn", ko: "kor", ru: "rus", ar: "ara", es: "spa", pt: "por",
            fr: "fra", de: "deu", id: "ind"};
        return codes[lower.split("-")[0]] || "eng";
    }

    function start() {
        var holder = document.querySelector(".sms-login-human-check[data-provider='geetest']");
        var form = holder && holder.closest("form");
        var shared = window.smsLoginHumanCheck;
        if (!form || !shared || typeof window.initGeetest4 !== "function") {
            return; // no widget: the form submits without the fields and the server refuses
        }
        var inputs = shared.hiddenInputs(holder, FIELDS);
        var captcha = null;
        var broken = false;
        var pending = false;
        var submitter = null;

        function submitAsAsked() {
            pending = false;
            shared.submitWith(form, submitter);
        }

        form.addEventListener("submit", function (event) {
            var button = event.submitter;
            if (!shared.asksForCode(button) || broken || shared.filled(inputs)) {
                return;
            }
            event.preventDefault();
            submitter = button || null;
            if (captcha) {
                captcha.showCaptcha();
            } else if (!pending) {
                pending = true; // shown once the widget is ready; submitted as it is if it never gets ready
                setTimeout(function () {
                    if (pending && !captcha) {
                        broken = true;
                        submitAsAsked();
                    }
                }, READY_WAIT_MS);
            }
        });

        shared.clearOnReturn(inputs);

        window.initGeetest4({
            captchaId: holder.getAttribute("data-captcha-id"),
            product: "bind",
            language: language(holder.getAttribute("data-lang") || document.documentElement.lang)
        }, function (widget) {
            widget.onReady(function () {
                captcha = widget;
                holder.setAttribute("data-ready", "true");
                if (pending) {
                    widget.showCaptcha();
                }
            });
            widget.onSuccess(function () {
                var result = widget.getValidate();
                if (!result) {
                    return;
                }
                FIELDS.forEach(function (name) {
                    inputs[name].value = result[name] == null ? "" : String(result[name]);
                });
                submitAsAsked();
            });
            widget.onError(function () {
                broken = true;
                if (pending) {
                    submitAsAsked();
                }
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
