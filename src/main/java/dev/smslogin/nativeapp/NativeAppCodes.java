package dev.smslogin.nativeapp;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeSecrets;
import dev.smslogin.metrics.SmsLoginMetrics;
import dev.smslogin.phone.PhoneNumber;
import dev.smslogin.phonecode.PhoneCodes;
import dev.smslogin.phonedialog.DialogPurpose;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The codes of the native-app API: {@link PhoneCodes} (limits, cooldown, hashing, bulkhead, metrics), with codes
 * bound to the realm, the number and the client that asked for them ({@link DialogPurpose#nativeAppBinding}).
 */
final class NativeAppCodes {

    private NativeAppCodes() {
    }

    static PhoneCodes of(KeycloakSession session, RealmModel realm) {
        return new PhoneCodes(session, realm, CodeSecrets.hasher(session, realm), SmsLoginMetrics.global());
    }

    /** The one code {@code client} may hold for {@code phone}: sent by the send endpoint, checked by the direct grant. */
    static CodeScope scope(PhoneCodes codes, PhoneNumber phone, ClientModel client) {
        return codes.scope(phone, DialogPurpose.nativeAppBinding(client.getId()));
    }
}
