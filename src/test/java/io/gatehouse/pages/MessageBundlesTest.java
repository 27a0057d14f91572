package io.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempts;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * English and German are complete (the pages' messages, the setup portal's guides and fixes): the same keys,
 * no empty text, the same placeholders, every refusal titled and hinted in German, and no bundle's key
 * shadowed by another's.
 */
class MessageBundlesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

    @ParameterizedTest
    @ValueSource(strings = {"messages", "fixes", "guides"})
    void bothLanguagesHaveTheSameKeysAndNoEmptyText(String basename) throws IOException {
        Properties en = load(basename + "_en.properties");
        Properties de = load(basename + "_de.properties");
        assertThat(en).isNotEmpty();
        assertThat(de.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(en.stringPropertyNames());
        for (Properties bundle : new Properties[] {en, de}) {
            assertThat(bundle.stringPropertyNames()).allSatisfy(k -> assertThat(bundle.getProperty(k)).as(k).isNotBlank());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"messages", "fixes", "guides"})
    void eachTextHasTheSamePlaceholdersInBothLanguages(String basename) throws IOException {
        Properties en = load(basename + "_en.properties");
        Properties de = load(basename + "_de.properties");
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(de.getProperty(key))).as(key).isEqualTo(placeholders(en.getProperty(key)));
        }
    }

    @Test
    void theGuidesHoldNoMarkupAndShadowNoOtherText() throws IOException {
        // menu paths need ">" and Entra ID's menus an "&" ("Attributes & Claims"): plain characters, escaped
        // like any text; a tag or an entity would be markup
        for (String file : new String[] {"guides_en.properties", "guides_de.properties"}) {
            Properties bundle = load(file);
            assertThat(bundle.stringPropertyNames()).allSatisfy(k -> assertThat(bundle.getProperty(k))
                    .as(file + " " + k).doesNotContain("<").doesNotContainPattern("&#?\\w+;"));
        }
        // the first bundle that has a key answers it: a key in two bundles would be read from one only
        Set<String> guides = load("guides_en.properties").stringPropertyNames();
        Set<String> fixes = load("fixes_en.properties").stringPropertyNames();
        assertThat(fixes).doesNotContainAnyElementsOf(guides);
        for (String file : new String[] {"messages_en.properties", "messages_de.properties", "reasons_de.properties"}) {
            assertThat(load(file).stringPropertyNames()).as(file).doesNotContainAnyElementsOf(guides)
                    .doesNotContainAnyElementsOf(fixes);
        }
    }

    @Test
    void theTextsHoldNoMarkup() throws IOException {
        // the engine escapes texts like any value: markup in a bundle would show as text, so none is written
        for (String file : new String[] {"messages_en.properties", "messages_de.properties", "reasons_de.properties",
                "fixes_en.properties", "fixes_de.properties"}) {
            Properties bundle = load(file);
            assertThat(bundle.stringPropertyNames()).allSatisfy(k ->
                    assertThat(bundle.getProperty(k)).as(file + " " + k).doesNotContain("<", ">", "&"));
        }
    }

    @Test
    void thePagesReadTheGuidesInEachLanguage() {
        Messages en = new Messages(new PageConfiguration().messageSource(), Language.EN);
        Messages de = new Messages(new PageConfiguration().messageSource(), Language.DE);
        assertThat(en.text(Text.of("value.entity_id"))).isEqualTo("SP Entity ID");
        assertThat(de.text(Text.of("value.entity_id"))).isEqualTo("SP-Entitäts-ID");
        assertThat(de.text(Text.of("guide.entra_id.saml.3"))).contains("Bezeichner (Entitäts-ID)");
    }

    @Test
    void everyRefusalHasAGermanTitleAndHintAndNothingElseIsThere() throws IOException {
        Properties reasons = load("reasons_de.properties");
        Set<String> expected = Arrays.stream(RejectReason.values())
                .flatMap(r -> Stream.of("reason." + r.code(), "hint." + r.code()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).hasSize(2 * RejectReason.values().length);
        assertThat(new TreeSet<>(reasons.stringPropertyNames())).isEqualTo(expected);
        assertThat(reasons.stringPropertyNames()).allSatisfy(k -> assertThat(reasons.getProperty(k)).as(k).isNotBlank());
    }

    @Test
    void eachGermanHintKeepsTheNumbersOfTheCatalogsHint() throws IOException {
        // the catalog computes some numbers (the minutes a sign-in may take): a German hint that kept an old
        // number, or lost a spec section, would tell the admin something else than the English one
        Properties reasons = load("reasons_de.properties");
        Pattern number = Pattern.compile("\\d+");
        for (RejectReason r : RejectReason.values()) {
            String german = reasons.getProperty("hint." + r.code());
            Matcher m = number.matcher(r.hint());
            while (m.find()) {
                assertThat(german).as(r.code()).containsPattern("(?<!\\d)" + m.group() + "(?!\\d)");
            }
            assertThat(german).as(r.code()).isNotEqualTo(r.hint());
        }
    }

    @Test
    void aGermanPageWordsARefusalsHintInGermanAnEnglishPageInTheCatalogsWords() {
        RejectReason reason = RejectReason.SAML_AUDIENCE_MISMATCH;
        Messages en = new Messages(new PageConfiguration().messageSource(), Language.EN);
        Messages de = new Messages(new PageConfiguration().messageSource(), Language.DE);
        assertThat(en.hint(reason.code(), reason.hint())).isEqualTo(reason.hint());
        assertThat(de.hint(reason.code(), reason.hint())).startsWith("Die beim Identitätsanbieter eingetragene Audience");
        assertThat(de.hint(RejectReason.SIGNIN_TEST_EXPIRED.code(), RejectReason.SIGNIN_TEST_EXPIRED.hint()))
                .contains("innerhalb von " + SignInAttempts.LIFETIME.toMinutes() + " Minuten");
    }

    @Test
    void placeholdersAreFilledLiterally() {
        assertThat(Messages.fill("Signed in as {0} through {1}.", "a'b", "{1}")).isEqualTo("Signed in as a'b through {1}.");
        assertThat(Messages.fill("It's {0}", "x")).isEqualTo("It's x");
        assertThat(Messages.fill("{9} stays", "x")).isEqualTo("{9} stays");
        assertThat(Messages.fill("{a} and {", "x")).isEqualTo("{a} and {");
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(MessageBundlesTest.class.getResourceAsStream("/" + name),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
