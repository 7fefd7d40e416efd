package dev.smslogin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Authentication flows and execution settings as realm JSON, to add to the example realm's own. */
final class FlowJson {

    private final ArrayNode flows;
    private final ArrayNode configs;

    private FlowJson(ArrayNode flows, ArrayNode configs) {
        this.flows = flows;
        this.configs = configs;
    }

    /** The example realm's flows and settings, to add to. */
    static FlowJson ofExampleRealm() {
        try {
            JsonNode example = KeycloakAdmin.JSON.readTree(Files.readString(Path.of("examples/realm-sms-demo.json")));
            return new FlowJson((ArrayNode) example.get("authenticationFlows").deepCopy(), (ArrayNode) example.get("authenticatorConfig").deepCopy());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A flow of {@code executions}, each made by {@link #step} or {@link #subflow}. */
    FlowJson flow(String alias, ObjectNode... executions) {
        ObjectNode flow = flows.addObject();
        flow.put("alias", alias);
        flow.put("providerId", "basic-flow");
        flow.put("topLevel", true);
        flow.put("builtIn", false);
        ArrayNode list = flow.putArray("authenticationExecutions");
        int priority = 10;
        for (ObjectNode execution : executions) {
            execution.put("priority", priority);
            priority += 10;
            list.add(execution);
        }
        return this;
    }

    /** A flow used only as a subflow of another. */
    FlowJson subflowDefinition(String alias, ObjectNode... executions) {
        flow(alias, executions);
        ((ObjectNode) flows.get(flows.size() - 1)).put("topLevel", false);
        return this;
    }

    /** Settings named {@code alias} for executions of the SMS steps. */
    FlowJson config(String alias, Map<String, String> values) {
        ObjectNode config = configs.addObject();
        config.put("alias", alias);
        ObjectNode map = config.putObject("config");
        values.forEach(map::put);
        return this;
    }

    static ObjectNode step(String authenticator, String requirement) {
        ObjectNode execution = KeycloakAdmin.JSON.createObjectNode();
        execution.put("authenticator", authenticator);
        execution.put("requirement", requirement);
        execution.put("authenticatorFlow", false);
        execution.put("userSetupAllowed", false);
        return execution;
    }

    static ObjectNode step(String authenticator, String requirement, String configAlias) {
        return step(authenticator, requirement).put("authenticatorConfig", configAlias);
    }

    static ObjectNode subflow(String flowAlias, String requirement) {
        ObjectNode execution = KeycloakAdmin.JSON.createObjectNode();
        execution.put("flowAlias", flowAlias);
        execution.put("requirement", requirement);
        execution.put("authenticatorFlow", true);
        execution.put("userSetupAllowed", false);
        return execution;
    }

    /** The realm settings that install these flows and configs. */
    Map<String, Object> realmSettings() {
        return Map.of("authenticationFlows", flows, "authenticatorConfig", configs);
    }
}
