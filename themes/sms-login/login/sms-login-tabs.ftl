<#--
  "Password | SMS code" tabs around the form of the username/password page (login.ftl) and of the SMS login pages
  (sms-login-phone.ftl, sms-login-code.ftl).

  Shown only when the current step is the username/password form or the SMS login and the flow offers the other as an
  alternative: both are among auth.authenticationSelections, and the execution in the form's action URL is one of them.
  Otherwise the form alone, as keycloak.v2 renders it.

  A tab that is not selected is a submit button posting authenticationExecution=<its execution id> to the current
  login-actions URL, as Keycloak's own "select authenticator" page does: no JavaScript needed, the login session kept.
  The script only adds the arrow keys of the WAI-ARIA tabs pattern (one tab stop for the tab list).
-->
<#--
  The two tabs' selections (password form and SMS login, in the flow's order) when the page shows them, else [].
-->
<#function tabbedSelections>
    <#local options = []>
    <#local current = false>
    <#list (auth.authenticationSelections)![] as option>
        <#local provider = (option.authenticationExecution.authenticator)!"">
        <#if provider == "auth-username-password-form" || provider == "sms-login">
            <#local options = options + [option]>
            <#if url.loginAction?contains("execution=" + option.authExecId)>
                <#local current = true>
            </#if>
        </#if>
    </#list>
    <#if options?size == 2 && options[0].authenticationExecution.authenticator != options[1].authenticationExecution.authenticator && current>
        <#return options>
    </#if>
    <#return []>
</#function>

<#--
  The page's title: with the tabs, the same on both (keycloak.v2's "Sign in to your account"), since the tabs name the method.
-->
<#macro title>
    <#if tabbedSelections()?has_content>${msg("loginAccountTitle")}<#else><#nested></#if>
</#macro>

<#macro tabs>
    <#local options = tabbedSelections()>
    <#if options?has_content>
        <#local everyAlternative = (auth.authenticationSelections)?size == 2>
        <div id="kc-sms-login-tabs" class="sms-login-tabbed<#if everyAlternative> sms-login-tabbed--every-alternative</#if>">
            <form id="kc-sms-login-tabs-form" action="${url.loginAction}" method="post" novalidate="novalidate">
                <div class="pf-v5-c-tabs pf-m-fill sms-login-tabs">
                    <ul class="pf-v5-c-tabs__list" role="tablist" aria-label="${msg("smsLoginTabsLabel")}">
                        <#list options as option>
                            <#local isSms = option.authenticationExecution.authenticator == "sms-login">
                            <#local tabId = isSms?then("kc-sms-login-tab-sms", "kc-sms-login-tab-password")>
                            <#local label = isSms?then(msg("smsLoginTabSms"), msg("smsLoginTabPassword"))>
                            <#if url.loginAction?contains("execution=" + option.authExecId)>
                                <#local currentTabId = tabId>
                                <li class="pf-v5-c-tabs__item pf-m-current" role="presentation">
                                    <button id="${tabId}" type="button" class="pf-v5-c-tabs__link" role="tab"
                                            aria-selected="true" aria-controls="kc-sms-login-tabpanel">
                                        <span class="pf-v5-c-tabs__item-text">${label}</span>
                                    </button>
                                </li>
                            <#else>
                                <li class="pf-v5-c-tabs__item" role="presentation">
                                    <button id="${tabId}" type="submit" class="pf-v5-c-tabs__link" role="tab" aria-selected="false"
                                            name="authenticationExecution" value="${option.authExecId}">
                                        <span class="pf-v5-c-tabs__item-text">${label}</span>
                                    </button>
                                </li>
                            </#if>
                        </#list>
                    </ul>
                </div>
            </form>
            <div id="kc-sms-login-tabpanel" class="sms-login-tabpanel" role="tabpanel" aria-labelledby="${currentTabId}">
                <#nested>
            </div>
            <script>
                (function () {
                    var tabs = Array.prototype.slice.call(document.querySelectorAll("#kc-sms-login-tabs [role=tab]"));
                    tabs.forEach(function (tab, index) {
                        if (tab.getAttribute("aria-selected") !== "true") {
                            tab.tabIndex = -1;
                        }
                        tab.addEventListener("keydown", function (event) {
                            var keys = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1};
                            if (!(event.key in keys)) {
                                return;
                            }
                            event.preventDefault();
                            tabs[(keys[event.key] + tabs.length) % tabs.length].focus();
                        });
                    });
                })();
            </script>
        </div>
    <#else>
        <#nested>
    </#if>
</#macro>
