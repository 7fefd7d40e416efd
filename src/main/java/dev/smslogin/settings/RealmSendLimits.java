package dev.smslogin.settings;

import dev.smslogin.code.SendLimits;
import dev.smslogin.realm.PhoneSteps;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The send limits of one execution as the code store counts them. Limits are set per flow, but a phone number, a
 * client and a realm are one whichever flow sends: their windows are counted realm-wide, against the most lenient
 * limits of the realm's enabled SMS login executions (pages and direct grant), so that an attacker who picks the weakest flow gets what
 * that flow allows and never the sum of several. An execution stricter than that also counts its own sends against
 * its own limits ({@link SendLimits#withFlow}): they hold for its traffic, and another flow's traffic does not use
 * them up. The realm's most lenient limits are read from its flows at most every 30 seconds.
 */
public final class RealmSendLimits {

    private static final long KEEP_MILLIS = 30_000;
    private static final int MAX_REALMS = 10_000;

    private record Kept(long until, SendLimits limits) {
    }

    private final SmsLoginConfigCache configs;
    private final Map<String, Kept> byRealm = new ConcurrentHashMap<>();

    public RealmSendLimits(SmsLoginConfigCache configs) {
        this.configs = configs;
    }

    /**
     * The limits of a step with settings {@code config}: {@code stepId} names its own windows (an execution's id,
     * or a required action's).
     */
    public SendLimits of(RealmModel realm, String stepId, SmsLoginConfig config) {
        SendLimits own = config.sendLimits();
        // the step itself counts as one of the realm's, also when an admin changed it since the realm was read
        SendLimits realmWide = mostLenient(realm).map(own::mostLenient).orElse(own);
        return realmWide.withFlow(stepId, own);
    }

    private Optional<SendLimits> mostLenient(RealmModel realm) {
        long now = Time.currentTimeMillis();
        Kept kept = byRealm.get(realm.getId());
        if (kept == null || kept.until() <= now) {
            if (byRealm.size() >= MAX_REALMS) {
                byRealm.clear();
            }
            kept = new Kept(now + KEEP_MILLIS, read(realm));
            byRealm.put(realm.getId(), kept);
        }
        return Optional.ofNullable(kept.limits());
    }

    private SendLimits read(RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(execution -> PhoneSteps.isSendingStep(execution) && !execution.isDisabled())
                .map(execution -> limits(realm, execution))
                .filter(Objects::nonNull)
                .reduce(SendLimits::mostLenient)
                .orElse(null);
    }

    /** An execution's limits; null for one whose settings are invalid (it sends nothing). */
    private SendLimits limits(RealmModel realm, AuthenticationExecutionModel execution) {
        try {
            String configId = execution.getAuthenticatorConfig();
            return configs.get(configId == null ? null : realm.getAuthenticatorConfigById(configId)).sendLimits();
        } catch (SmsLoginConfig.InvalidConfigException e) {
            return null;
        }
    }
}
