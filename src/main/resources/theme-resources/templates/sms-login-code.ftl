<#import "template.ftl" as layout>
<#import "sms-login-tabs.ftl" as smsTabs>
<#import "sms-login-human-check.ftl" as smsHumanCheck>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
<!-- template: sms-login-code.ftl -->
    <#if section="header">
        <@smsTabs.title>${msg(smsLogin.titleKey)}</@smsTabs.title>
    <#elseif section="form">
        <@smsTabs.tabs>
        <form id="kc-sms-login-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate>
            <p id="kc-sms-login-sent-to" class="${properties.kcFormHelperTextClass!}">${msg("smsLoginCodeSentTo", (smsLogin.maskedPhone)!'')}</p>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="code" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("smsLoginCodeLabel")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('code')>${properties.kcError!}</#if>">
                    <input id="code" name="code" type="text" value="" autocomplete="one-time-code" inputmode="numeric"
                           pattern="[0-9]*" maxlength="${smsLogin.codeLength}" autofocus
                           aria-describedby="kc-sms-login-sent-to<#if messagesPerField.existsError('code')> input-error-code</#if>"
                           aria-invalid="<#if messagesPerField.existsError('code')>true<#else>false</#if>"/>
                </span>
                <#if messagesPerField.existsError('code')>
                    <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                        <div class="${properties.kcInputHelperTextClass!}">
                            <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}" id="input-error-code">
                                <span class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('code'))?no_esc}</span>
                            </div>
                        </div>
                    </div>
                </#if>
            </div>
            <#if humanCheck??><@smsHumanCheck.widget check=humanCheck/></#if>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button id="kc-login" name="login" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg(smsLogin.submitKey)}</button>
                    <button id="kc-resend" name="resend" type="submit" formnovalidate
                            class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}"
                            data-wait-seconds="${smsLogin.resendWaitSeconds?c}"
                            data-label="${msg("smsLoginResend")}" data-label-wait="${msg("smsLoginResendIn", "{0}")}">
                        <#if (smsLogin.resendWaitSeconds > 0)>${msg("smsLoginResendIn", smsLogin.resendWaitSeconds?c)}<#else>${msg("smsLoginResend")}</#if>
                    </button>
                    <#if smsLogin.numberChangeable>
                    <button id="kc-change-number" name="change_number" type="submit" formnovalidate
                            class="${properties.kcButtonLinkClass!} ${properties.kcButtonBlockClass!}">${msg("smsLoginChangeNumber")}</button>
                    </#if>
                    <#if isAppInitiatedAction??>
                        <button id="kc-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                                class="${properties.kcButtonLinkClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
        <script>
            (function () {
                var button = document.getElementById("kc-resend");
                var left = parseInt(button.getAttribute("data-wait-seconds"), 10) || 0;
                function render() {
                    if (left > 0) {
                        button.disabled = true;
                        button.setAttribute("aria-disabled", "true");
                        button.textContent = button.getAttribute("data-label-wait").replace("{0}", left);
                        left -= 1;
                        setTimeout(render, 1000);
                    } else {
                        button.disabled = false;
                        button.removeAttribute("aria-disabled");
                        button.textContent = button.getAttribute("data-label");
                    }
                }
                render();
            })();
        </script>
        </@smsTabs.tabs>
    </#if>
</@layout.registrationLayout>
