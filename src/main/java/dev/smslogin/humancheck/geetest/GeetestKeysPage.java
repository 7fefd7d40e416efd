package dev.smslogin.humancheck.geetest;

import dev.smslogin.humancheck.HumanCheckKeysPage;

/** The realm's own geetest keys: page {@code human-check-geetest}. */
public final class GeetestKeysPage extends HumanCheckKeysPage {

    public GeetestKeysPage() {
        super(GeetestHumanCheckFactory.PROVIDER_ID);
    }
}
