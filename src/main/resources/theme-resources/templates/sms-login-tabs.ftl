<#--
  Where the phone and code pages let a login theme put sign-in method tabs around their form (tabs) and change
  their title (title). Under any theme this one renders the form and the title as they are; the sms-login theme
  (themes/sms-login/login/sms-login-tabs.ftl) overrides it with "password | SMS code" tabs, a theme's own
  templates coming before theme-resources.
-->
<#macro title>
<#nested>
</#macro>

<#macro tabs>
<#nested>
</#macro>
