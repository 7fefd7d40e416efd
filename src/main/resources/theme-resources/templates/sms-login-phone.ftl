<#import "template.ftl" as layout>
<#import "sms-login-tabs.ftl" as smsTabs>
<#import "sms-login-human-check.ftl" as smsHumanCheck>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('phone_number'); section>
<!-- template: sms-login-phone.ftl -->
    <#if section="header">
        <@smsTabs.title>${msg(smsLogin.titleKey)}</@smsTabs.title>
    <#elseif section="form">
        <@smsTabs.tabs>
        <form id="kc-sms-login-phone-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate>
            <#if smsLogin.regions?has_content>
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!}">
                        <label for="region" class="${properties.kcFormLabelClass!}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("smsLoginRegionLabel")}</span>
                        </label>
                    </div>
                    <div class="${properties.kcInputClass!}">
                        <select id="region" name="region" autocomplete="country">
                            <#list smsLogin.regions as region>
                                <option value="${region.code}"<#if region.selected> selected</#if>>${region.label}</option>
                            </#list>
                        </select>
                        <span class="${properties.kcFormControlUtilClass!}">
                            <span class="${properties.kcFormControlToggleIcon!}">
                                <svg class="pf-v5-svg" viewBox="0 0 320 512" fill="currentColor" aria-hidden="true" role="img" width="1em" height="1em">
                                    <path d="M31.3 192h257.3c17.8 0 26.7 21.5 14.1 34.1L174.1 354.8c-7.8 7.8-20.5 7.8-28.3 0L17.2 226.1C4.6 213.5 13.5 192 31.3 192z"></path>
                                </svg>
                            </span>
                        </span>
                    </div>
                </div>
            </#if>
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
            <#if humanCheck??><@smsHumanCheck.widget check=humanCheck/></#if>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button id="kc-send-code" name="send" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("smsLoginSendCode")}</button>
                    <#if smsLogin.skippable>
                        <button id="kc-skip" name="skip" value="true" type="submit" formnovalidate
                                class="${properties.kcButtonLinkClass!} ${properties.kcButtonBlockClass!}">${msg("idpSmsLinkSkip")}</button>
                    </#if>
                    <#if isAppInitiatedAction??>
                        <button id="kc-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                                class="${properties.kcButtonLinkClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
        </@smsTabs.tabs>
    <#elseif section="socialProviders">
        <#-- the realm's identity providers, as Keycloak's own login page lists them ("Or sign in with") -->
        <#if smsLogin.identityProvidersShown && social?? && social.providers?? && social.providers?has_content>
            <div class="${properties.kcLoginMainFooterBand!}">
                <span class="${properties.kcLoginMainFooterBandItem!} ${properties.kcLoginMainFooterHelperText!}">${msg("identity-provider-login-label")}</span>
            </div>
            <div id="kc-social-providers" class="${properties.kcFormSocialAccountSectionClass!}">
                <ul class="${properties.kcFormSocialAccountListClass!}">
                    <#list social.providers as p>
                        <li class="${properties.kcFormSocialAccountListItemClass!}">
                            <a id="social-${p.alias}" class="${properties.kcFormSocialAccountListButtonClass!}" aria-label="${p.displayName}"
                               type="button" href="${p.loginUrl}">
                                <#if p.iconClasses?has_content><i class="${p.iconClasses!}" aria-hidden="true"></i></#if>
                                <span class="${properties.kcFormSocialAccountNameClass!}">${p.displayName!}</span>
                            </a>
                        </li>
                    </#list>
                </ul>
            </div>
        </#if>
    </#if>
</@layout.registrationLayout>
