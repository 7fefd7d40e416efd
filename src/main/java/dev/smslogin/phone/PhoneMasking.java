package dev.smslogin.phone;

/** Masks phone numbers for logs, events and pages: keeps a prefix and the last four digits. */
public final class PhoneMasking {

    private PhoneMasking() {
    }

    /**
     * {@code +8613912345678 -> +86139****5678}, {@code 13912345678 -> 139****5678}. Anything too short to
     * keep both ends gets fully masked; never returns the input unchanged when it has more than four digits.
     */
    public static String mask(String number) {
        if (number == null || number.isEmpty()) {
            return "";
        }
        int length = number.length();
        if (length <= 7) {
            return "****" + number.substring(Math.max(0, length - 2));
        }
        int keepEnd = 4;
        int keepStart = Math.min(length - keepEnd - 4, number.startsWith("+") ? 6 : 3);
        keepStart = Math.max(keepStart, 0);
        return number.substring(0, keepStart) + "****" + number.substring(length - keepEnd);
    }
}
