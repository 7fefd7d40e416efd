/*
 * What the human-check adapters share (sms-login-human-check.ftl loads it before the adapter): the hidden inputs that
 * carry the vendor's result, whether a pressed button asks for a code, and sending the form on with that button once
 * the person passed the widget.
 */
(function () {
    "use strict";

    var SENDING_BUTTONS = ["send", "resend"];

    window.smsLoginHumanCheck = {
        /** Hidden inputs named as fields inside holder (an existing one of the form is reused), by name. */
        hiddenInputs: function (holder, fields) {
            var form = holder.closest("form");
            var inputs = {};
            fields.forEach(function (name) {
                var input = form && form.querySelector("input[name='" + name + "']");
                if (!input) {
                    input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    holder.appendChild(input);
                }
                inputs[name] = input;
            });
            return inputs;
        },

        /** Whether every input holds a value. */
        filled: function (inputs) {
            return Object.keys(inputs).every(function (name) {
                return inputs[name].value !== "";
            });
        },

        /** Whether a submit by this button (none: a script's submit) asks for a code: "send" and "resend" do. */
        asksForCode: function (button) {
            return !button || SENDING_BUTTONS.indexOf(button.name) >= 0;
        },

        /** Submits the form as the button would have (its name goes with the form). */
        submitWith: function (form, button) {
            if (typeof form.requestSubmit === "function") {
                if (button) {
                    form.requestSubmit(button);
                } else {
                    form.requestSubmit();
                }
                return;
            }
            if (button && button.name) {
                var pressed = document.createElement("input");
                pressed.type = "hidden";
                pressed.name = button.name;
                pressed.value = button.value || "";
                form.appendChild(pressed);
            }
            form.submit();
        },

        /** Empties the inputs when the page comes back from the history cache: a result is good for one check. */
        clearOnReturn: function (inputs) {
            window.addEventListener("pageshow", function (event) {
                if (event.persisted) {
                    Object.keys(inputs).forEach(function (name) {
                        inputs[name].value = "";
                    });
                }
            });
        }
    };
}());
