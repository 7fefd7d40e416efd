package dev.smslogin.spi;

import jakarta.ws.rs.core.UriInfo;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.BruteForceProtector;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that knows the Keycloak releases this extension runs on (README, "Compatibility"): the lowest one,
 * and the server APIs whose signatures changed between it and the release it is compiled against (26.7). Each such
 * call is bound once, to whichever signature the running server has.
 */
public final class KeycloakRelease {

    /** The lowest release: the additional datasources (the app's MySQL) came with 26.4. */
    public static final String MINIMUM = "26.4.0";

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

    /** 26.7: {@code checkAllowedOrigins(session, client)}; before: {@code allowedOrigins(session, client)}. */
    private static final MethodHandle ALLOWED_ORIGINS = firstOf(Cors.class,
            MethodType.methodType(Cors.class, KeycloakSession.class, ClientModel.class),
            "checkAllowedOrigins", "allowedOrigins");

    /** 26.6+: {@code successfulLogin(..., categories)}; before: without the categories (every failure is cleared). */
    private static final MethodHandle SUCCESSFUL_LOGIN = successfulLogin();

    private KeycloakRelease() {
    }

    /**
     * Refuses a server older than {@link #MINIMUM}, with one clear message; a version it cannot read (a build of
     * Keycloak's own sources, say) is let through.
     *
     * @param version Keycloak's version ({@code org.keycloak.common.Version.VERSION})
     */
    public static void requireSupported(String version) {
        Matcher found = MAJOR_MINOR.matcher(version == null ? "" : version);
        if (!found.find()) {
            return;
        }
        Matcher minimum = MAJOR_MINOR.matcher(MINIMUM);
        minimum.find();
        int major = Integer.parseInt(found.group(1));
        int minimumMajor = Integer.parseInt(minimum.group(1));
        if (major < minimumMajor || major == minimumMajor && Integer.parseInt(found.group(2)) < Integer.parseInt(minimum.group(2))) {
            throw new IllegalStateException("keycloak-sms-login needs Keycloak " + MINIMUM + " or later; this server is "
                    + version + ". Remove providers/keycloak-sms-login.jar or upgrade Keycloak (README, \"Compatibility\").");
        }
    }

    /** The client's web origins are the ones CORS answers (26.7 also refuses a request from another origin at once). */
    public static Cors allowedOrigins(Cors cors, KeycloakSession session, ClientModel client) {
        try {
            return (Cors) ALLOWED_ORIGINS.invoke(cors, session, client);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Clears the failures Keycloak's brute-force protection counted for {@code user} in {@code categories}. */
    public static void successfulLogin(BruteForceProtector protector, RealmModel realm, UserModel user,
                                       ClientConnection connection, UriInfo uri, Set<String> categories) {
        try {
            SUCCESSFUL_LOGIN.invoke(protector, realm, user, connection, uri, categories);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle successfulLogin() {
        MethodType before = MethodType.methodType(void.class, RealmModel.class, UserModel.class, ClientConnection.class,
                UriInfo.class);
        try {
            return MethodHandles.publicLookup().findVirtual(BruteForceProtector.class, "successfulLogin",
                    before.appendParameterTypes(Set.class));
        } catch (NoSuchMethodException e) {
            MethodHandle withoutCategories = firstOf(BruteForceProtector.class, before, "successfulLogin");
            return MethodHandles.dropArguments(withoutCategories, 5, Set.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle firstOf(Class<?> type, MethodType signature, String... names) {
        for (String name : names) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, name, signature);
            } catch (NoSuchMethodException e) {
                // an older or newer release: the next name
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("this Keycloak has no " + type.getName() + "." + String.join(" or ", names) + signature);
    }
}
