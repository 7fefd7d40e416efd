/*
 * Human check "aliyun-captcha" (Aliyun CAPTCHA 2.0) on the SMS pages.
 *
 * Reads the data attributes of the form's <div class="sms-login-human-check" data-provider="aliyun-captcha">
 * (scene id, identity prefix, region, the widget's script URL, the page's language), sets the widget's global
 * window.AliyunCaptchaConfig and only then loads the widget's script (it reads that global when it loads: this is why
 * the page itself does not load it), starts the widget in popup mode and, when a code is asked for (the "send" or
 * "resend" button, or Enter), shows it first. When the person passes, the widget's
 * CaptchaVerifyParam goes into the hidden field "captcha_verify_param" and the form is sent on with the same button;
 * the server checks the value with VerifyIntelligentCaptcha. If the widget's script does not load, the form is sent
 * as it is and the server refuses it: no SMS without a passed check.
 */
(function () {
    'use strict';

    var PROVIDER = 'aliyun-captcha';
    var FIELD = 'captcha_verify_param';
    var SCRIPT_WAIT_MS = 15000;

    /** data-scene-id, or data-sceneId as written (attribute names are not case-sensitive in HTML). */
    function data(element, name) {
        var kebab = name.replace(/[A-Z]/g, function (c) {
            return '-' + c.toLowerCase();
        });
        return element.getAttribute('data-' + kebab) || element.getAttribute('data-' + name) || '';
    }

    function host() {
        var candidates = document.querySelectorAll('.sms-login-human-check');
        for (var i = 0; i < candidates.length; i++) {
            if (data(candidates[i], 'provider') === PROVIDER) {
                return candidates[i];
            }
        }
        return null;
    }

    function absolute(url) {
        var a = document.createElement('a');
        a.href = url;
        return a.href;
    }

    /** Calls ready once the widget's global function is there, loading its script if the page has no tag for it. */
    function whenWidgetLoaded(scriptUrl, ready) {
        if (typeof window.initAliyunCaptcha === 'function') {
            ready();
            return;
        }
        if (scriptUrl) {
            var wanted = absolute(scriptUrl);
            var present = false;
            var scripts = document.getElementsByTagName('script');
            for (var i = 0; i < scripts.length; i++) {
                if (scripts[i].src === wanted) {
                    present = true;
                }
            }
            if (!present) {
                var script = document.createElement('script');
                script.src = scriptUrl;
                script.async = true;
                document.head.appendChild(script);
            }
        }
        var waited = 0;
        var timer = window.setInterval(function () {
            waited += 100;
            if (typeof window.initAliyunCaptcha === 'function') {
                window.clearInterval(timer);
                ready();
            } else if (waited >= SCRIPT_WAIT_MS) {
                // never loaded (blocked, offline): the form goes without the field, the server says so
                window.clearInterval(timer);
            }
        }, 100);
    }

    function start(div) {
        var form = div.closest('form');
        if (!form || !window.smsLoginHumanCheck) {
            return;
        }
        var sceneId = data(div, 'sceneId');
        var prefix = data(div, 'prefix');
        var region = data(div, 'region') || 'cn';
        // the widget (client architecture V3) reads its region and identity prefix from this global
        window.AliyunCaptchaConfig = {region: region, prefix: prefix};

        var shared = window.smsLoginHumanCheck;
        var input = shared.hiddenInputs(div, [FIELD])[FIELD];
        var element = document.createElement('div');
        element.id = 'sms-login-aliyun-captcha-element';
        div.appendChild(element);
        // the widget opens its popup on a click of this button; the page's own buttons stay the page's
        var trigger = document.createElement('button');
        trigger.type = 'button';
        trigger.id = 'sms-login-aliyun-captcha-button';
        trigger.tabIndex = -1;
        trigger.setAttribute('aria-hidden', 'true');
        trigger.style.display = 'none';
        div.appendChild(trigger);

        var started = false;
        var asking = null;

        form.addEventListener('submit', function (event) {
            if (!started || input.value) {
                return;
            }
            var button = event.submitter || null;
            if (!shared.asksForCode(button)) {
                return;
            }
            event.preventDefault();
            asking = button;
            trigger.click();
        });

        function sendOn() {
            var button = asking;
            asking = null;
            shared.submitWith(form, button);
        }

        var lang = (data(div, 'lang') || document.documentElement.lang || '').toLowerCase();
        whenWidgetLoaded(data(div, 'widgetScriptUrl') || data(div, 'scriptUrl'), function () {
            window.initAliyunCaptcha({
                SceneId: sceneId,
                prefix: prefix,
                region: region,
                mode: 'popup',
                element: '#' + element.id,
                button: '#' + trigger.id,
                success: function (captchaVerifyParam) {
                    input.value = typeof captchaVerifyParam === 'string' ? captchaVerifyParam : JSON.stringify(captchaVerifyParam);
                    sendOn();
                },
                fail: function () {
                    // the widget shows the failure and offers another try; nothing is sent
                },
                getInstance: function () {
                    started = true;
                },
                language: lang.indexOf('zh-tw') === 0 || lang.indexOf('zh-hk') === 0 || lang.indexOf('zh-hant') === 0 ? 'tw'
                    : lang.indexOf('zh') === 0 ? 'cn' : 'en'
            });
            started = true;
        });
    }

    function init() {
        var div = host();
        if (div) {
            start(div);
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
}());
