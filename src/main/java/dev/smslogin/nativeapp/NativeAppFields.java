package dev.smslogin.nativeapp;

import dev.smslogin.phonedialog.PhoneDialog;

/** The request parameters of the native-app API (the login page's field names). */
final class NativeAppFields {

    static final String CLIENT_ID = "client_id";
    static final String PHONE_NUMBER = PhoneDialog.PHONE_FIELD;
    static final String CODE = PhoneDialog.CODE_FIELD;
    /** The one-click SDK's token (one-tap sign-in), instead of {@code code}. */
    static final String CARRIER_TOKEN = "carrier_token";

    private NativeAppFields() {
    }
}
