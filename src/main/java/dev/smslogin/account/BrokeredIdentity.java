package dev.smslogin.account;

import dev.smslogin.loginmethod.IdentityLogin;

import java.util.List;
import java.util.Map;

/**
 * An identity an identity provider vouched for, at its first login in a realm: the provider's alias, the user's id at
 * the provider, the attributes the provider's mappers gave it, and, when the provider's identities have rows in the
 * app's table, its row ({@code login}) and the app user that row names ({@code appUserId}, null when none).
 */
public record BrokeredIdentity(String alias, String brokerUserId, Map<String, List<String>> attributes, IdentityLogin login,
                               Long appUserId) {
}
