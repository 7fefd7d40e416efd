package dev.smslogin.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Twilio Programmable Messaging, {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}:
 * checks the account's HTTP Basic credentials (Account SID and Auth Token) and the path's account as Twilio does, then
 * the form fields ({@code To} in E.164, {@code From} one of the account's numbers or {@code MessagingServiceSid} one of
 * its services, {@code Body}), and answers {@code 201} with the Message resource, or Twilio's error JSON
 * ({@code code}, {@code message}, {@code more_info}, {@code status}). Records every message it took.
 */
public final class FakeTwilio extends FakeVendorApi<FakeTwilio.Message> {

    public static final String ACCOUNT_SID = "AC00000000000000000000000000000001";
    public static final String AUTH_TOKEN = "00000000000000000000000000000abc";
    /** The account's SMS-capable number. */
    public static final String FROM = "+15005550006";
    public static final String MESSAGING_SERVICE_SID = "MG00000000000000000000000000000001";
    private static final Pattern PATH = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final Pattern CODE = Pattern.compile("(?<![0-9])([0-9]{4,8})(?![0-9])");
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> accounts = new java.util.concurrent.ConcurrentHashMap<>(Map.of(ACCOUNT_SID, AUTH_TOKEN));
    /** The HTTP status Twilio answers each error code with. */
    private static final Map<Integer, Integer> STATUS = Map.ofEntries(
            Map.entry(20003, 401), Map.entry(20404, 404), Map.entry(20429, 429), Map.entry(20500, 500),
            Map.entry(20503, 503));

    /** One accepted message. */
    public record Message(String sid, String to, String from, String messagingServiceSid, String body, Instant at, String accountSid) {
        /** The code in the text: its only run of 4 to 8 digits. */
        public String code() {
            Matcher m = CODE.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("no code in the message text");
            }
            String code = m.group(1);
            if (m.find()) {
                throw new IllegalStateException("more than one number in the message text");
            }
            return code;
        }
    }

    private FakeTwilio(String address) throws IOException {
        super(address, Message::to);
    }

    public static FakeTwilio start() throws IOException {
        return new FakeTwilio("127.0.0.1");
    }

    /** {@code 127.0.0.1:port}: the sender's {@code endpoint} (with {@code protocol} http). */
    public String endpoint() {
        return address();
    }

    /** The code of the last message to {@code e164}. */
    public String lastCodeTo(String e164) {
        return lastMessageTo(e164).code();
    }

    /** Twilio refuses the next messages with {@code code}, answered with the HTTP status Twilio gives it (400 for most). */
    public static Misbehaviour refuse(int code) {
        int status = STATUS.getOrDefault(code, 400);
        return Misbehaviour.answer(status, error(status, code, "fake error " + code));
    }

    /** Accepts another account's credentials (a realm's own), beside the server's. */
    public void acceptAccount(String accountSid, String authToken) {
        accounts.put(accountSid, authToken);
    }

    @Override
    protected Reply authenticate(Request request) {
        String authorization = request.header("Authorization");
        Matcher account = PATH.matcher(request.path());
        String sid = account.matches() ? account.group(1) : ACCOUNT_SID;
        String expected = "Basic " + Base64.getEncoder().encodeToString((sid + ":" + accounts.getOrDefault(sid, "")).getBytes(StandardCharsets.UTF_8));
        if (!accounts.containsKey(sid) || !expected.equals(authorization)) {
            rejected("20003 Authenticate");
            return new Reply(401, error(401, 20003, "Authenticate"));
        }
        Matcher path = PATH.matcher(request.path());
        if (!path.matches() || !"POST".equals(request.method())) {
            rejected("20404 " + request.method() + " " + request.path());
            return new Reply(404, error(404, 20404, "The requested resource " + request.path() + " was not found"));
        }
        if (!accounts.containsKey(path.group(1))) {
            rejected("20003 account " + path.group(1));
            return new Reply(401, error(401, 20003, "Authenticate"));
        }
        return null;
    }

    @Override
    protected Reply answer(Request request) {
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return new Reply(400, error(400, 21602, "Message body is required."));
        }
        Map<String, String> form = FakeAliyunSms.parse(request.bodyText());
        String to = form.get("To");
        String from = form.get("From");
        String service = form.get("MessagingServiceSid");
        String body = form.get("Body");
        if (to == null || to.isBlank()) {
            return new Reply(400, error(400, 21604, "A 'To' phone number is required."));
        }
        if (!to.matches("\\+[1-9][0-9]{6,14}")) {
            return new Reply(400, error(400, 21211, "The 'To' number " + to + " is not a valid phone number."));
        }
        if ((from == null || from.isBlank()) && (service == null || service.isBlank())) {
            return new Reply(400, error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."));
        }
        if (from != null && !from.equals(FROM)) {
            return new Reply(400, error(400, 21606, "The From phone number " + from + " is not a valid, SMS-capable inbound phone number or short code for your account."));
        }
        if (service != null && !service.equals(MESSAGING_SERVICE_SID)) {
            return new Reply(400, error(400, 21705, "The Messaging Service Sid " + service + " is invalid."));
        }
        if (body == null || body.isBlank()) {
            return new Reply(400, error(400, 21602, "Message body is required."));
        }
        if (body.length() > 1600) {
            return new Reply(400, error(400, 21617, "The concatenated message body exceeds the 1600 character limit."));
        }
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        Matcher account = PATH.matcher(request.path());
        accepted(new Message(sid, to, from, service, body, Instant.now(), account.matches() ? account.group(1) : null));
        String now = RFC_2822.format(Instant.now());
        ObjectNode message = JSON.createObjectNode()
                .put("account_sid", ACCOUNT_SID)
                .put("api_version", "2010-04-01")
                .put("body", body)
                .put("date_created", now)
                .put("date_sent", (String) null)
                .put("date_updated", now)
                .put("direction", "outbound-api")
                .put("error_code", (String) null)
                .put("error_message", (String) null)
                .put("from", from)
                .put("messaging_service_sid", service)
                .put("num_media", "0")
                .put("num_segments", "1")
                .put("price", (String) null)
                .put("sid", sid)
                .put("status", service != null ? "accepted" : "queued")
                .put("to", to)
                .put("uri", "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + sid + ".json");
        return new Reply(201, message.toString());
    }

    private static String error(int status, int code, String message) {
        return JSON.createObjectNode()
                .put("code", code)
                .put("message", message)
                .put("more_info", "https://www.twilio.com/docs/errors/" + code)
                .put("status", status)
                .toString();
    }
}
