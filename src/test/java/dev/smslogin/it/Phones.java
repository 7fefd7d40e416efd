package dev.smslogin.it;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh mainland mobile numbers, so that tests never share a cooldown or a limit. */
final class Phones {

    private Phones() {
    }

    /** An 11-digit national number such as {@code 13912345678}. */
    static String newNational() {
        return "139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    static String e164(String national) {
        return "+86" + national;
    }

    /** As the pages show a mainland number: {@code +86 139****5678}. */
    static String maskedForDisplay(String national) {
        return "+86 " + national.substring(0, 3) + "****" + national.substring(7);
    }
}
