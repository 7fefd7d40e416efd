package dev.smslogin.humancheck.siteverify;

import dev.smslogin.humancheck.HumanCheckKeysPage;

/** The realm's own siteverify keys: page {@code human-check-siteverify}. */
public final class SiteVerifyKeysPage extends HumanCheckKeysPage {

    public SiteVerifyKeysPage() {
        super(SiteVerifyHumanCheckFactory.PROVIDER_ID);
    }
}
