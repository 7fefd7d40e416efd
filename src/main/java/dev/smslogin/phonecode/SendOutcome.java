package dev.smslogin.phonecode;

import dev.smslogin.code.SendDecision;
import dev.smslogin.sms.SmsFailure;

/** What became of a request for a code ({@link PhoneCodes#send}). */
public sealed interface SendOutcome {

    /** The provider took the message; the cooldown runs for {@code cooldownSeconds}. */
    record Sent(long cooldownSeconds) implements SendOutcome {
    }

    /** No SMS: the cooldown or a limit refused it. */
    record Refused(SendDecision decision) implements SendOutcome {
    }

    /** The provider refused the message or was never reached: nothing was sent and the send was given back. */
    record NotSent(SmsFailure failure) implements SendOutcome {
    }

    /**
     * The request went out but the provider did not confirm it (a read timeout): the message may still arrive, so
     * the code, the counts and the cooldown stand.
     */
    record Unconfirmed(long cooldownSeconds) implements SendOutcome {
    }

    /** The code store could not be reached: nothing was sent. */
    record StoreUnavailable() implements SendOutcome {
    }
}
