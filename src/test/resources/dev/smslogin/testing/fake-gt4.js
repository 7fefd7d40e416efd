/*
 * A stand-in of GeeTest v4's gt4.js, served by FakeGeetestCaptcha: window.initGeetest4(config, callback) hands
 * callback a captcha object with GeeTest's methods (onReady, onSuccess, onFail, onError, onClose, showCaptcha,
 * getValidate, reset, appendTo, destroy). showCaptcha() opens a small challenge box; its button asks the fake for a
 * passed challenge (/load?captcha_id=), and getValidate() then returns what GeeTest's does: lot_number,
 * captcha_output, pass_token, gen_time and captcha_id.
 */
(function () {
    "use strict";
    var script = document.currentScript;
    var base = script ? new URL(script.src).origin : "";
    var TEXTS = {
        eng: {title: "Security check", hint: "Click to confirm you are a person", button: "Verify"},
        zho: {title: "安全验证", hint: "请点击按钮完成验证", button: "验证"}
    };

    window.initGeetest4 = function (config, callback) {
        var handlers = {ready: [], success: [], fail: [], error: [], close: []};
        var result = null;
        var box = null;
        var texts = TEXTS[config.language] || TEXTS.eng;

        function fire(name, value) {
            handlers[name].forEach(function (handler) {
                handler(value);
            });
        }

        function on(name) {
            return function (handler) {
                handlers[name].push(handler);
                return captcha;
            };
        }

        function hide() {
            if (box) {
                box.parentNode.removeChild(box);
                box = null;
            }
        }

        function verify() {
            fetch(base + "/load?captcha_id=" + encodeURIComponent(config.captchaId || ""))
                .then(function (response) {
                    return response.json();
                })
                .then(function (answer) {
                    hide();
                    if (!answer.lot_number) {
                        fire("error", {code: answer.code, msg: answer.msg});
                        return;
                    }
                    result = answer;
                    fire("success");
                })
                .catch(function (e) {
                    hide();
                    fire("error", {msg: String(e)});
                });
        }

        var captcha = {
            onReady: on("ready"),
            onSuccess: on("success"),
            onFail: on("fail"),
            onError: on("error"),
            onClose: on("close"),
            appendTo: function () {
                return captcha;
            },
            showCaptcha: function () {
                if (box) {
                    return captcha;
                }
                box = document.createElement("div");
                box.id = "fake-geetest-box";
                box.setAttribute("role", "dialog");
                box.setAttribute("aria-label", texts.title);
                box.style.cssText = "position:fixed;left:50%;top:40%;transform:translate(-50%,-50%);z-index:1000;"
                    + "background:#fff;border:1px solid #ccc;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.25);"
                    + "padding:16px 20px;width:260px;font:14px sans-serif;color:#333;text-align:center";
                var title = document.createElement("div");
                title.style.cssText = "font-weight:bold;margin-bottom:8px";
                title.textContent = texts.title + " (GeeTest)";
                var hint = document.createElement("div");
                hint.style.cssText = "margin-bottom:12px";
                hint.textContent = texts.hint;
                var button = document.createElement("button");
                button.type = "button";
                button.id = "fake-geetest-verify";
                button.textContent = texts.button;
                button.style.cssText = "padding:6px 24px;background:#3973ff;color:#fff;border:0;border-radius:4px;cursor:pointer";
                button.addEventListener("click", verify);
                box.appendChild(title);
                box.appendChild(hint);
                box.appendChild(button);
                document.body.appendChild(box);
                return captcha;
            },
            getValidate: function () {
                return result ? {
                    lot_number: result.lot_number,
                    captcha_output: result.captcha_output,
                    pass_token: result.pass_token,
                    gen_time: result.gen_time,
                    captcha_id: result.captcha_id
                } : false;
            },
            reset: function () {
                result = null;
                return captcha;
            },
            destroy: function () {
                hide();
            }
        };
        callback(captcha);
        setTimeout(function () {
            if (config.captchaId) {
                fire("ready");
            } else {
                fire("error", {code: "-50101", msg: "not captcha_id"});
            }
        }, 0);
    };
})();
