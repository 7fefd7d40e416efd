package dev.smslogin.settings;

import dev.smslogin.code.CodeSecrets;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phonedialog.DialogMessages;
import dev.smslogin.phonedialog.DialogPurpose;
import dev.smslogin.phonedialog.DialogStep;
import dev.smslogin.phonedialog.PhoneDialog;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Errors;

/**
 * The phone dialogs of one kind of flow step (the login, the second factor, the reset): each execution's dialog
 * runs with that execution's settings, read once while they stay as they were, and sends within the realm's limits.
 */
public final class FlowDialogs {

    private static final Logger LOG = Logger.getLogger(FlowDialogs.class);

    private final DialogPurpose purpose;
    private final SmsLoginMetrics metrics;
    private final SmsLoginConfigCache configs = new SmsLoginConfigCache();
    private final RealmSendLimits sendLimits = new RealmSendLimits(configs);

    public FlowDialogs(DialogPurpose purpose, SmsLoginMetrics metrics) {
        this.purpose = purpose;
        this.metrics = metrics;
    }

    /** The execution's settings; null when they are invalid, after an error page and event (an admin must fix them). */
    public SmsLoginConfig config(AuthenticationFlowContext context) {
        try {
            return configs.get(context.getAuthenticatorConfig());
        } catch (SmsLoginConfig.InvalidConfigException e) {
            LOG.errorf("SMS login: the settings of a %s execution in realm '%s' are invalid: %s", purpose, context.getRealm().getName(),
                    e.getMessage());
            context.getEvent().error(Errors.INVALID_CONFIG);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    context.form().setError(DialogMessages.MISCONFIGURED).createErrorPage(Response.Status.INTERNAL_SERVER_ERROR));
            return null;
        }
    }

    /** The dialog of this request, with the execution's settings {@code config}. */
    public PhoneDialog dialog(AuthenticationFlowContext context, SmsLoginConfig config) {
        return new PhoneDialog(DialogStep.of(context), config.dialogSettings(sendLimits.of(context.getRealm(), context.getExecution().getId(), config)),
                purpose, CodeSecrets.hasher(context.getSession(), context.getRealm()), metrics);
    }
}
