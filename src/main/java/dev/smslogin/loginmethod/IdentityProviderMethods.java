package dev.smslogin.loginmethod;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Option {@code identity-provider-methods} of the login-method store: which identity providers' identities have rows
 * in the app's table, and under which {@code login_method}: {@code alias:METHOD} pairs, comma-separated (default
 * {@code wechat:WX,weixin:WX}). {@code none} (or an empty value): no provider's identities are written.
 */
public final class IdentityProviderMethods {

    public static final String DEFAULT = "wechat:WX,weixin:WX";

    private final Map<String, String> methods;

    private IdentityProviderMethods(Map<String, String> methods) {
        this.methods = Collections.unmodifiableMap(methods);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong: a pair without {@code :}, an empty alias or method, a
     *                                  method longer than the column, the phone's own {@code P}, an alias given twice
     */
    public static IdentityProviderMethods parse(String value) {
        String text = value == null ? DEFAULT : value.strip();
        Map<String, String> methods = new LinkedHashMap<>();
        if (text.isEmpty() || text.equalsIgnoreCase("none")) {
            return new IdentityProviderMethods(methods);
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.strip().split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("identity-provider-methods: '" + pair.strip() + "' is not alias:METHOD");
            }
            String alias = parts[0].strip();
            String method = parts[1].strip();
            if (method.length() > IdentityLogin.MAX_LENGTH) {
                throw new IllegalArgumentException("identity-provider-methods: method '" + method + "' is longer than "
                        + IdentityLogin.MAX_LENGTH + " characters");
            }
            if (method.toUpperCase(Locale.ROOT).equals("P")) {
                throw new IllegalArgumentException("identity-provider-methods: 'P' is the phone's login method");
            }
            if (methods.put(alias, method) != null) {
                throw new IllegalArgumentException("identity-provider-methods: alias '" + alias + "' is given twice");
            }
        }
        return new IdentityProviderMethods(methods);
    }

    /** The {@code login_method} of the identities of provider {@code alias}, or null when they have no rows. */
    public String methodOf(String alias) {
        return alias == null ? null : methods.get(alias);
    }

    @Override
    public String toString() {
        return methods.isEmpty() ? "none" : String.join(",", methods.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
    }
}
