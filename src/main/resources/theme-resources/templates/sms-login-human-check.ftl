<#--
  The human check's widget inside a phone dialog's form (the phone page, and the code page for "resend").
  A widget provider's pageAttributes() name an adapter script (theme-resources/resources/js/): every attribute is a
  data-<name> attribute of div.sms-login-human-check (captchaId becomes data-captcha-id), the vendor's script
  (scriptUrl) loads, then what the adapters share (sms-login-human-check-form.js) and the adapter, which starts the widget and writes its result into hidden inputs of the form.
  Without the vendor's script the form still submits, and the server refuses: no SMS. Attributes without an adapter
  are siteverify's widget (reCAPTCHA, hCaptcha, Turnstile), as before.
-->
<#macro widget check>
    <div class="${properties.kcFormGroupClass!}" id="kc-human-check">
        <#if check.adapter?has_content>
            <div class="sms-login-human-check"<#list check as name, value> data-${name?replace("([a-z0-9])([A-Z])", "$1-$2", "r")?lower_case}="${value}"</#list>></div>
            <#if check.scriptUrl?has_content><script src="${check.scriptUrl}" defer></script></#if>
            <script src="${url.resourcesPath}/js/sms-login-human-check-form.js" defer></script>
            <script src="${url.resourcesPath}/js/${check.adapter}" defer></script>
        <#else>
            <div class="sms-login-human-check" data-sitekey="${check.siteKey}" data-response-field-name="${check.tokenField}"></div>
            <#if check.scriptUrl?has_content><script src="${check.scriptUrl}" async defer></script></#if>
        </#if>
    </div>
</#macro>
