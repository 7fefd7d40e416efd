package dev.smslogin.brokerlogin;

import dev.smslogin.account.BrokeredIdentity;
import dev.smslogin.account.BrokeredSignIn;
import dev.smslogin.account.PhoneHolder;
import dev.smslogin.account.PhoneSignIn;
import dev.smslogin.account.PhoneUsers;
import dev.smslogin.loginmethod.IdentityLogin;
import dev.smslogin.loginmethod.LoginMethodStore;
import dev.smslogin.loginmethod.LoginMethodUnavailableException;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.phonedialog.PhoneDialog;
import dev.smslogin.settings.FlowDialogs;
import dev.smslogin.settings.NumberFirstStep;
import dev.smslogin.settings.SmsLoginConfig;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatorConfigModel;

import java.util.OptionalLong;

/**
 * {@code idp-sms-link}: the first login of a brokered identity proves a phone number over the phone pages every step
 * shows, then the identity is linked to the number's verified holder, or to a user created now with the number
 * ({@link BrokeredSignIn}). An identity whose row in the app's table names an app user that has its Keycloak user
 * already is linked to it before any number is asked. A number the provider sent is only the phone page's suggestion.
 */
final class IdpSmsLinkAuthenticator implements NumberFirstStep {

    private static final Logger LOG = Logger.getLogger(IdpSmsLinkAuthenticator.class);
    /** The brokered context's attributes that may carry the provider's number (a claim or a mapper). */
    private static final String[] SUGGESTED_NUMBER = {"phoneNumber", "phone_number"};

    private final FlowDialogs dialogs;

    IdpSmsLinkAuthenticator(SmsLoginMetrics metrics) {
        this.dialogs = new FlowDialogs(DialogPurpose.BROKER_LINK, metrics);
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        SerializedBrokeredIdentityContext brokered = config == null ? null : brokered(context);
        BrokeredIdentity identity = brokered == null ? null : identity(context, brokered);
        if (identity == null) {
            return;
        }
        BrokeredSignIn.Result known = BrokeredSignIn.appUserOfIdentity(context, identity);
        if (known != null) {
            if (known != BrokeredSignIn.Result.LINKED) {
                refuse(context, known);
            }
            return;
        }
        dialog(context, config).show(suggestion(brokered));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        SmsLoginConfig config = dialogs.config(context);
        SerializedBrokeredIdentityContext brokered = config == null ? null : brokered(context);
        if (brokered == null) {
            return;
        }
        PhoneDialog dialog = dialog(context, config);
        if (optional(context) && context.getHttpRequest().getDecodedFormParameters().containsKey("skip")) {
            skip(context, dialog, brokered);
            return;
        }
        PhoneDialog.TypedCode typed = dialog.act();
        if (typed == null) {
            return;
        }
        PhoneHolder holder = PhoneUsers.find(context.getSession(), context.getRealm(), typed.phone(), config.usernameFormat());
        if (!typed.valid()) {
            dialog.showWrongCode(typed, PhoneSignIn.wrongCode(context, holder, typed));
            return;
        }
        BrokeredIdentity identity = identity(context, brokered);
        if (identity == null) {
            return;
        }
        PhoneNumber phone = typed.phone();
        switch (BrokeredSignIn.proven(context, config, phone, holder, identity)) {
            case LINKED -> dialog.forget();
            case NO_ACCOUNT -> dialog.showCodePage(phone, DialogMessages.NO_ACCOUNT);
            case ACCOUNT_DISABLED -> dialog.showCodePage(phone, DialogMessages.ACCOUNT_DISABLED);
            case ACCOUNT_LOCKED -> dialog.showCodePage(phone, DialogMessages.ACCOUNT_LOCKED);
            case ALREADY_LINKED -> dialog.restart(DialogMessages.BROKER_ALREADY_LINKED);
            case ACCOUNT_CONFLICT -> dialog.restart(DialogMessages.PHONE_ACCOUNT_CONFLICT);
            case APP_ACCOUNT_CONFLICT -> dialog.restart(DialogMessages.BROKER_APP_ACCOUNT_CONFLICT);
            case UNAVAILABLE, NAME_TAKEN -> dialog.restart(DialogMessages.SERVICE_UNAVAILABLE);
        }
    }

    /** "Skip for now" (only where the flow's settings make the number optional): the identity goes on without one. */
    private void skip(AuthenticationFlowContext context, PhoneDialog dialog, SerializedBrokeredIdentityContext brokered) {
        BrokeredIdentity identity = identity(context, brokered);
        if (identity == null) {
            return;
        }
        dialog.forget();
        BrokeredSignIn.Result result = BrokeredSignIn.withoutNumber(context, identity, brokered.getModelUsername(), brokered.getEmail());
        if (result != BrokeredSignIn.Result.LINKED) {
            dialog.restart(result == BrokeredSignIn.Result.UNAVAILABLE ? DialogMessages.SERVICE_UNAVAILABLE : DialogMessages.BROKER_SKIP_TAKEN);
        }
    }

    private PhoneDialog dialog(AuthenticationFlowContext context, SmsLoginConfig config) {
        return dialogs.dialog(context, config).skippable(optional(context));
    }

    /** Setting {@code optional} of the execution: whether the phone page offers "skip". */
    static boolean optional(AuthenticationFlowContext context) {
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        return config != null && config.getConfig() != null && Boolean.parseBoolean(config.getConfig().get(IdpSmsLinkAuthenticatorFactory.OPTIONAL));
    }

    /** The identity provider's login this first broker login is about; null, after an error page, outside such a flow. */
    private static SerializedBrokeredIdentityContext brokered(AuthenticationFlowContext context) {
        SerializedBrokeredIdentityContext brokered = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
                context.getAuthenticationSession(), AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE);
        if (brokered == null) {
            LOG.errorf("SMS login: step idp-sms-link of realm '%s' runs outside a first broker login flow; put it in the flow an identity "
                    + "provider names as its first login flow", context.getRealm().getName());
            context.getEvent().error(Errors.INVALID_CONFIG);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    context.form().setError(DialogMessages.BROKER_MISPLACED).createErrorPage(Response.Status.INTERNAL_SERVER_ERROR));
        }
        return brokered;
    }

    /**
     * The brokered identity with its app row, when its provider's identities have rows (option
     * {@code identity-provider-methods}); null after an error page: an id longer than the app's column, or the app's
     * database unavailable.
     */
    private static BrokeredIdentity identity(AuthenticationFlowContext context, SerializedBrokeredIdentityContext brokered) {
        String alias = brokered.getIdentityProviderId();
        String brokerUserId = brokered.getId();
        LoginMethodStore store = context.getSession().getProvider(LoginMethodStore.class);
        String method = store == null || !store.isEnabled() ? null : store.identityProviderMethod(alias);
        if (method == null) {
            return new BrokeredIdentity(alias, brokerUserId, brokered.getAttributes(), null, null);
        }
        try {
            IdentityLogin login = IdentityLogin.of(method, brokerUserId);
            OptionalLong appUser = store.findUserId(login);
            return new BrokeredIdentity(alias, brokerUserId, brokered.getAttributes(), login, appUser.isPresent() ? appUser.getAsLong() : null);
        } catch (IdentityLogin.TooLongException e) {
            LOG.warnf("SMS login: first login through '%s' refused: %s; the identity cannot have its row in the app's table", alias, e.getMessage());
            context.getEvent().detail(Details.IDENTITY_PROVIDER, alias).detail(Details.REASON, "identification_too_long").error(Errors.INVALID_REQUEST);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    context.form().setError(DialogMessages.BROKER_IDENTITY_TOO_LONG).createErrorPage(Response.Status.BAD_REQUEST));
        } catch (LoginMethodUnavailableException e) {
            LOG.warnf("SMS login: first login through '%s' refused: %s", alias, e.getMessage());
            context.getEvent().detail(Details.IDENTITY_PROVIDER, alias).error(Errors.INVALID_REQUEST);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    context.form().setError(DialogMessages.SERVICE_UNAVAILABLE).createErrorPage(Response.Status.SERVICE_UNAVAILABLE));
        }
        return null;
    }

    /** The number the provider sent, as the phone page's suggestion: it proves nothing until its code is typed. */
    private static String suggestion(SerializedBrokeredIdentityContext brokered) {
        for (String name : SUGGESTED_NUMBER) {
            String value = brokered.getFirstAttribute(name);
            if (value != null && !value.isBlank() && value.length() <= 32) {
                return value.strip();
            }
        }
        return null;
    }

    /** The refusal of an identity whose app user's Keycloak user cannot take it: an error page, nothing linked. */
    private static void refuse(AuthenticationFlowContext context, BrokeredSignIn.Result result) {
        String message = switch (result) {
            case ALREADY_LINKED -> DialogMessages.BROKER_ALREADY_LINKED;
            case ACCOUNT_DISABLED -> DialogMessages.ACCOUNT_DISABLED;
            // a second factor the first broker login would not ask for: the refusal a number's holder with one gets
            case ACCOUNT_CONFLICT -> DialogMessages.PHONE_ACCOUNT_CONFLICT;
            default -> DialogMessages.BROKER_APP_ACCOUNT_CONFLICT;
        };
        context.failure(AuthenticationFlowError.INVALID_USER, context.form().setError(message).createErrorPage(Response.Status.CONFLICT));
    }
}
