package io.gatehouse.testkit;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generators of bad input for property-based tests (QuickTheories): JSON values of every type and
 * shape, and mutations of a valid request (a field replaced, removed, added or wrapped; a name given
 * twice; the text cut or spliced). Every URL they produce names a loopback address on a port nobody
 * listens on, so that whatever Gatehouse fetches fails at once and nothing leaves the machine.
 */
public final class BadInputs {
    /** A loopback port that refuses connections (the discard port; nothing listens there in tests). */
    public static final String DEAD_URL = "http://127.0.0.1:9";
    private static final JsonNodeFactory NODES = ApiClient.JSON.getNodeFactory();

    /** Strings that have broken parsers and validators before; every URL among them is {@link #DEAD_URL}. */
    public static final List<String> INTERESTING = List.of("", " ", "\t", "\u0000", "a\nb", "\r\n", "\u2028",
            "\u00a0", "\u202e", "\uD800", "\uDFFF", "😀", "bücher", "İ", "ß", "%", "%zz", "%00", "+", "&", "=", "#", "?",
            "\\", "\"", "'", "<", ">", "<x/>", "]]>", "&amp;", "${jndi:x}", "{{7*7}}", "../../etc/passwd", "null",
            "true", "0", "-1", "1e999", "NaN", "**********",
            DEAD_URL, DEAD_URL + "/", DEAD_URL + "/x?SAMLRequest=a&RelayState=b", DEAD_URL + "/#f", DEAD_URL + "/?q",
            "https://127.0.0.1:9/x", "http://[::1]:9/x", "http://user:pw@127.0.0.1:9/", "javascript:alert(1)",
            "data:text/html,x", "file:///etc/passwd", "ftp://127.0.0.1:9/", "//127.0.0.1:9/x", "http://", "https:",
            "xn--zz.com", "xn--.com", "gmail.com", "co.uk", "com", "*.acme.com", "a..b.com", ".com", "a.com.",
            "127.0.0.1", "a@b.com", "x".repeat(300), "y".repeat(5_000),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
            "MIIB", "AAAA====", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"" + DEAD_URL + "/e\">]><a>&e;</a>",
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"e\"/>",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:bogus", "saml", "oidc", "SAML", "redirect",
            "post", "S256", "plain", "disabled", "RS256", "none", "HS256", "sha1", "sha256", "jit", "existing_only",
            "import", "force", "manual", "idp", "attribute", "role", "team", "hardcoded", "email", "custom.x", "groups",
            "org_admin", "viewer", "idp_manager", "draft", "active");

    private BadInputs() {
    }

    /** Random text: printable ASCII, or any code point (lone surrogates included). */
    public static Gen<String> text() {
        return Generate.frequency(
                Pair.of(4, Generate.pick(INTERESTING)),
                Pair.of(3, strings().basicLatinAlphabet().ofLengthBetween(0, 40)),
                Pair.of(2, strings().allPossible().ofLengthBetween(0, 20)),
                Pair.of(1, strings().numeric()));
    }

    /** Any JSON value, nested at most a few levels. */
    public static Gen<JsonNode> value() {
        return value(2);
    }

    private static Gen<JsonNode> value(int depth) {
        List<Pair<Integer, Gen<JsonNode>>> choices = new ArrayList<>(List.of(
                Pair.of(6, text().map(s -> (JsonNode) NODES.stringNode(s))),
                Pair.of(2, integers().all().map(i -> (JsonNode) NODES.numberNode(i))),
                Pair.of(1, longs().all().map(l -> (JsonNode) NODES.numberNode(l))),
                Pair.of(1, Generate.pick(List.of(1e308, -0.0, 0.5, -1.0, 3.0e-320)).map(d -> (JsonNode) NODES.numberNode(d))),
                Pair.of(1, Generate.pick(List.of("99999999999999999999999999", "-1e400", "1e-400"))
                        .map(s -> (JsonNode) NODES.numberNode(new java.math.BigDecimal(s)))),
                Pair.of(2, booleans().all().map(b -> (JsonNode) NODES.booleanNode(b))),
                Pair.of(2, Generate.constant(() -> (JsonNode) NODES.nullNode()))));
        if (depth > 0) {
            choices.add(Pair.of(2, lists().of(value(depth - 1)).ofSizeBetween(0, 3).map(items -> {
                ArrayNode a = NODES.arrayNode();
                items.forEach(a::add);
                return (JsonNode) a;
            })));
            choices.add(Pair.of(2, lists().of(text()).ofSizeBetween(0, 3).zip(lists().of(value(depth - 1)).ofSizeBetween(3, 3),
                    (names, values) -> {
                        ObjectNode o = NODES.objectNode();
                        for (int i = 0; i < names.size(); i++) {
                            o.set(names.get(i), values.get(i));
                        }
                        return (JsonNode) o;
                    })));
        }
        return Generate.frequency(choices);
    }

    /** What a mutation does; the first four work on the tree, the last three on the request's text. */
    public enum Kind { REPLACE, REMOVE, ADD, WRAP, NAME_TWICE, CUT, SPLICE }

    /** One change to a valid request: where (an index into its fields, modulo their count), what, with what. */
    public record Mutation(Kind kind, int where, JsonNode value, String name) {
    }

    public static Gen<Mutation> mutation() {
        // mostly changes that keep the text JSON, so that most tries get past the parser to the rules
        Gen<Kind> kind = Generate.frequency(Pair.of(6, Generate.constant(Kind.REPLACE)),
                Pair.of(4, Generate.constant(Kind.REMOVE)), Pair.of(3, Generate.constant(Kind.ADD)),
                Pair.of(2, Generate.constant(Kind.WRAP)), Pair.of(1, Generate.constant(Kind.NAME_TWICE)),
                Pair.of(1, Generate.constant(Kind.CUT)), Pair.of(1, Generate.constant(Kind.SPLICE)));
        return kind.zip(integers().between(0, 10_000), value(), text(), Mutation::new);
    }

    /** One to three mutations. */
    public static Gen<List<Mutation>> mutations() {
        return lists().of(mutation()).ofSizeBetween(1, 3);
    }

    /** The valid request with the mutations applied, as the bytes to send. */
    public static byte[] apply(ObjectNode valid, List<Mutation> mutations) {
        ObjectNode body = valid.deepCopy();
        for (Mutation m : mutations) {
            if (m.kind().ordinal() <= Kind.WRAP.ordinal()) {
                applyToTree(body, m);
            }
        }
        String text = ApiClient.JSON.writeValueAsString(body);
        for (Mutation m : mutations) {
            text = switch (m.kind()) {
                case NAME_TWICE -> nameTwice(body, m, text);
                case CUT -> text.substring(0, m.where() % (text.length() + 1));
                case SPLICE -> {
                    int at = m.where() % (text.length() + 1);
                    yield text.substring(0, at) + m.name() + text.substring(at);
                }
                default -> text;
            };
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every field of the tree as (its parent, its name or index), depth first. */
    private record Slot(JsonNode parent, String name, int index) {
    }

    private static List<Slot> slots(JsonNode node) {
        List<Slot> out = new ArrayList<>();
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                out.add(new Slot(o, e.getKey(), -1));
                out.addAll(slots(e.getValue()));
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                out.addAll(slots(a.get(i)));
            }
        }
        return out;
    }

    private static void applyToTree(ObjectNode body, Mutation m) {
        List<Slot> slots = slots(body);
        if (slots.isEmpty() || m.kind() == Kind.ADD) {
            // into the object that holds the chosen field (or the top)
            JsonNode holder = slots.isEmpty() ? body : slots.get(m.where() % slots.size()).parent();
            if (holder instanceof ObjectNode o) {
                o.set(m.name(), m.value());
            } else if (holder instanceof ArrayNode a) {
                a.add(m.value());
            }
            return;
        }
        Slot s = slots.get(m.where() % slots.size());
        JsonNode current = s.name() != null ? s.parent().get(s.name()) : s.parent().get(s.index());
        JsonNode replacement = switch (m.kind()) {
            case REPLACE -> m.value();
            case WRAP -> m.where() % 2 == 0 ? NODES.arrayNode().add(current)
                    : NODES.objectNode().set(m.name(), current);
            default -> null;
        };
        if (s.parent() instanceof ObjectNode o) {
            if (replacement == null) {
                o.remove(s.name());
            } else {
                o.set(s.name(), replacement);
            }
        } else if (s.parent() instanceof ArrayNode a) {
            if (replacement == null) {
                a.remove(s.index());
            } else {
                a.set(s.index(), replacement);
            }
        }
    }

    /** The first member of the top object written once more, with the mutation's value. */
    private static String nameTwice(ObjectNode body, Mutation m, String text) {
        if (!text.startsWith("{") || body.isEmpty()) {
            return text;
        }
        List<String> names = new ArrayList<>(body.propertyNames());
        String name = names.get(m.where() % names.size());
        return "{" + ApiClient.JSON.writeValueAsString(name) + ":" + ApiClient.JSON.writeValueAsString(m.value())
                + (text.length() > 2 ? "," : "") + text.substring(1);
    }

    /** Arbitrary bytes, sometimes JSON-like: deep nesting, stray escapes, a byte order mark, NULs. */
    public static Gen<byte[]> rawBody() {
        Gen<byte[]> bytes = lists().of(integers().between(0, 255)).ofSizeBetween(0, 200).map(list -> {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (int) list.get(i);
            }
            return b;
        });
        Gen<byte[]> jsonish = Generate.pick(List.of("[".repeat(5_000), "{\"a\":".repeat(2_000), "\ufeff{}",
                "{\"a\":\"\\ud800\"}", "{\"a\":1e99999999}", "{\"a\":-}", "{\"\u0000\":1}", "{\"a\":\"\\u00\"}",
                "{\"a\":1,}", "{'a':1}", "{\"a\":[1,2,}", "{}garbage", "{\"a\":\"" + "\\\\".repeat(10_000) + "\"}",
                "{\"a\":" + "9".repeat(2_000) + "}", "{\"alias\":\"x\",\"alias\":\"y\"}"))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Generate.frequency(Pair.of(1, bytes), Pair.of(1, jsonish),
                Pair.of(1, text().map(s -> s.getBytes(StandardCharsets.UTF_8))));
    }
}
