package dev.smslogin.code.keycloak;

import dev.smslogin.code.CodeScope;
import dev.smslogin.code.CodeStoreContract;
import dev.smslogin.code.SendDecision;
import dev.smslogin.code.SendLimits;
import dev.smslogin.code.SmsCodeStore;
import dev.smslogin.code.Verification;
import dev.smslogin.code.VerifyLimits;
import org.keycloak.models.SingleUseObjectProvider;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;

class KeycloakSmsCodeStoreTest extends CodeStoreContract {

    /** The cluster's cache, which every request shares. */
    private final InMemorySingleUseObjects cache = new InMemorySingleUseObjects();

    /** Each call is one Keycloak request. */
    private final SmsCodeStore store = new SmsCodeStore() {
        @Override
        public SendDecision reserveSend(CodeScope scope, String clientKey, SendLimits limits, String codeHash, Duration codeTtl) {
            return inRequest(UnaryOperator.identity(), s -> s.reserveSend(scope, clientKey, limits, codeHash, codeTtl));
        }

        @Override
        public void cancelSend(CodeScope scope, String clientKey, SendDecision decision) {
            inRequest(UnaryOperator.identity(), s -> {
                s.cancelSend(scope, clientKey, decision);
                return null;
            });
        }

        @Override
        public Verification verify(CodeScope scope, String candidateHash, VerifyLimits limits) {
            return inRequest(UnaryOperator.identity(), s -> s.verify(scope, candidateHash, limits));
        }
    };

    @Override
    protected SmsCodeStore store() {
        return store;
    }

    /**
     * Runs {@code call} as one request: on its own view of the cache, seen through {@code observe}, its puts
     * reaching the cache when it returns.
     */
    private <T> T inRequest(UnaryOperator<SingleUseObjectProvider> observe, Function<SmsCodeStore, T> call) {
        RequestScopedSingleUseObjects request = new RequestScopedSingleUseObjects(cache);
        T result = call.apply(new KeycloakSmsCodeStore(observe.apply(request), "sms-login:", System::currentTimeMillis));
        request.commit();
        return result;
    }
}
