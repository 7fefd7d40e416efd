package dev.smslogin.code;

/**
 * Whose code it is: one phone number in one realm, asked for from one login session (browser tab). Cooldown and
 * send windows belong to the number ({@link #id()}); each login session holds at most one code of its own
 * ({@link #sessionId()}). Stores key their records by these two ids, which {@link CodeHasher#scope} computes once
 * with a server-side secret, and the number's region (for the region caps, {@link RegionCaps}): no phone number is written to a store in clear, nor as a plain hash that a search over
 * every mainland number would reverse.
 */
public final class CodeScope {

    private final String realmId;
    private final String phoneE164;
    private final String region;
    private final String sessionBinding;
    private final String id;
    private final String sessionId;

    CodeScope(String realmId, String phoneE164, String region, String sessionBinding, String numberId, String sessionId) {
        this.realmId = realmId;
        this.phoneE164 = phoneE164;
        this.region = region;
        this.sessionBinding = sessionBinding;
        this.id = realmId + ":" + numberId;
        this.sessionId = sessionId;
    }

    public String realmId() {
        return realmId;
    }

    public String phoneE164() {
        return phoneE164;
    }

    /** The number's ISO 3166 alpha-2 region ({@code PhoneNumber#region()}), whose hourly cap a send counts in. */
    public String region() {
        return region;
    }

    public String sessionBinding() {
        return sessionBinding;
    }

    /** The number's identity in the store: realm and a keyed hash of the number. */
    public String id() {
        return id;
    }

    /** The login session's identity in the store, a keyed hash of the session. */
    public String sessionId() {
        return sessionId;
    }
}
