<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('phone_number'); section>
<!-- template: sms-login-phone.ftl -->
    <#if section="header">
        ${msg("smsLoginTitle")}
    <#elseif section="form">
        <form id="kc-sms-login-phone-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="phone_number" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("smsLoginPhoneLabel")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('phone_number')>${properties.kcError!}</#if>">
                    <input id="phone_number" name="phone_number" type="tel" value="${(smsLogin.phoneNumber)!''}"
                           autocomplete="tel" inputmode="tel" maxlength="32" autofocus required
                           placeholder="${msg("smsLoginPhonePlaceholder")}"
                           aria-describedby="phone_number-help<#if messagesPerField.existsError('phone_number')> input-error-phone_number</#if>"
                           aria-invalid="<#if messagesPerField.existsError('phone_number')>true<#else>false</#if>"/>
                </span>
                <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                    <div class="${properties.kcInputHelperTextClass!}">
                        <#if messagesPerField.existsError('phone_number')>
                            <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}" id="input-error-phone_number">
                                <span class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('phone_number'))?no_esc}</span>
                            </div>
                        <#else>
                            <div class="${properties.kcInputHelperTextItemClass!}" id="phone_number-help">
                                <span class="${properties.kcInputHelperTextItemTextClass!}">${msg("smsLoginPhoneHelp")}</span>
                            </div>
                        </#if>
                    </div>
                </div>
            </div>
            <#if humanCheck??>
                <div class="${properties.kcFormGroupClass!}" id="kc-human-check">
                    <div class="sms-login-human-check" data-sitekey="${humanCheck.siteKey}" data-response-field-name="${humanCheck.tokenField}"></div>
                    <#if humanCheck.scriptUrl?has_content><script src="${humanCheck.scriptUrl}" async defer></script></#if>
                </div>
            </#if>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button id="kc-send-code" name="send" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("smsLoginSendCode")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
