package dev.smslogin.it;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh mobile numbers (mainland, and a few US ones), so that tests never share a cooldown or a limit. */
final class Phones {

    private Phones() {
    }

    /** An 11-digit national number such as {@code 13912345678}. */
    static String newNational() {
        return "139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** A US mobile number as Aliyun's international form has it (country code and number, no plus): {@code 16502531234}. */
    static String newUs() {
        return "1650253" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    }

    static String e164(String national) {
        return "+86" + national;
    }

    /** As the pages show a mainland number: {@code +86 139****5678}. */
    static String maskedForDisplay(String national) {
        return "+86 " + national.substring(0, 3) + "****" + national.substring(7);
    }
}
