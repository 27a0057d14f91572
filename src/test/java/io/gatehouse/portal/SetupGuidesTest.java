package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.idp.Protocol;
import io.gatehouse.mapping.NormalizedProfile;
import io.gatehouse.mapping.ProfileMapper;
import io.gatehouse.pages.Text;
import io.gatehouse.testkit.TestIdentities;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every product's guide over every protocol it offers: complete in both languages, asking for what Gatehouse reads. */
class SetupGuidesTest {
    private static final List<String> PORTAL_VALUES = List.of("value.acs_url", "value.entity_id", "value.metadata_url",
            "value.metadata_file", "value.redirect_uri", "value.name_id_format", "value.login_url");
    private static Properties en;
    private static Properties de;

    @BeforeAll
    static void loadBundles() throws IOException {
        en = load("guides_en.properties");
        de = load("guides_de.properties");
    }

    private static Stream<SetupGuide> guides() {
        return Stream.of(SetupProduct.values())
                .flatMap(p -> p.protocols().stream().map(protocol -> SetupGuide.of(p, protocol)));
    }

    private static List<Text> texts(SetupGuide guide) {
        List<Text> texts = new ArrayList<>(guide.steps());
        guide.claims().forEach(c -> texts.add(c.meaning()));
        guide.nameIdFormat().ifPresent(texts::add);
        texts.add(guide.idpSide());
        texts.add(guide.product().title());
        return texts;
    }

    @Test
    void everyProductAndProtocolHasAGuideWrittenInBothLanguages() {
        assertThat(guides().count()).isEqualTo(16);
        guides().forEach(guide -> {
            String which = guide.product().wireName() + "/" + guide.protocol().wireName();
            assertThat(guide.steps()).as(which).hasSizeBetween(4, 8);
            assertThat(texts(guide)).as(which).allSatisfy(t -> {
                assertThat(en.getProperty(t.key())).as("en " + t.key()).isNotBlank();
                assertThat(de.getProperty(t.key())).as("de " + t.key()).isNotBlank();
            });
        });
    }

    @Test
    void noGuideTextIsLeftOver() {
        // a step written in the bundle but not counted in SetupGuides would never be shown
        Set<String> used = new TreeSet<>();
        guides().forEach(g -> texts(g).forEach(t -> used.add(t.key())));
        Set<String> written = new TreeSet<>();
        en.stringPropertyNames().stream().filter(k -> k.startsWith("guide.") || k.startsWith("nameid.")
                || k.startsWith("claim.") || k.startsWith("product.")).forEach(written::add);
        assertThat(written).isEqualTo(used);
    }

    @Test
    void theValuesToCopyAreLabelledAndTheStepsNameThemByTheirLabels() {
        assertThat(PORTAL_VALUES).allSatisfy(k -> {
            assertThat(en.getProperty(k)).as(k).isNotBlank();
            assertThat(de.getProperty(k)).as(k).isNotBlank();
        });
        guides().forEach(guide -> {
            String steps = String.join(" ", guide.steps().stream().map(t -> en.getProperty(t.key())).toList());
            String which = guide.product().wireName() + "/" + guide.protocol().wireName();
            if (guide.protocol() == Protocol.SAML) {
                assertThat(steps).as(which).contains("ACS URL").containsAnyOf("SP Entity ID", "SP metadata");
            } else {
                assertThat(steps).as(which).contains("Redirect URI");
            }
        });
    }

    @Test
    void samlGuidesNameANameIdFormatAndOidcGuidesNone() {
        guides().forEach(guide -> {
            if (guide.protocol() == Protocol.SAML) {
                assertThat(guide.nameIdFormat()).as(guide.product().wireName()).isPresent();
            } else {
                assertThat(guide.nameIdFormat()).as(guide.product().wireName()).isEmpty();
            }
        });
    }

    @Test
    void everyGuideAsksForTheEmailAsRequired() {
        guides().forEach(guide -> {
            List<SetupGuide.ClaimToSend> required = guide.claims().stream().filter(SetupGuide.ClaimToSend::required)
                    .toList();
            assertThat(required).as(guide.product().wireName()).hasSize(1);
            assertThat(required.getFirst().meaning().key()).isEqualTo("claim.email");
        });
    }

    @Test
    void gatehouseReadsEveryClaimUnderTheNameTheGuideAsksForWithoutAMapper() {
        guides().forEach(guide -> {
            TestIdentities.Builder identity = guide.protocol() == Protocol.SAML ? TestIdentities.saml("u1")
                    : TestIdentities.oidc("u1");
            for (SetupGuide.ClaimToSend claim : guide.claims()) {
                identity.attribute(claim.name(), switch (claim.meaning().key()) {
                    case "claim.email" -> "ada@acme.example";
                    case "claim.given_name" -> "Ada";
                    case "claim.family_name" -> "Lovelace";
                    case "claim.groups" -> "engineering";
                    default -> throw new AssertionError("unexpected claim " + claim.meaning().key());
                });
            }
            NormalizedProfile profile = ProfileMapper.map(List.of(), identity.build());
            String which = guide.product().wireName() + "/" + guide.protocol().wireName();
            assertThat(profile.email()).as(which).contains("ada@acme.example");
            assertThat(profile.givenName()).as(which).contains("Ada");
            assertThat(profile.familyName()).as(which).contains("Lovelace");
            assertThat(profile.groups()).as(which).containsExactly("engineering");
        });
    }

    @Test
    void theProductsOwnExpressionsAreGivenWhereTheyHaveOne() {
        assertThat(claim(SetupProduct.OKTA, "claim.email").productValue()).contains("user.email");
        assertThat(claim(SetupProduct.ENTRA_ID, "claim.email").productValue()).contains("user.mail");
        assertThat(claim(SetupProduct.GOOGLE_WORKSPACE, "claim.email").productValue()).contains("Primary email");
        assertThat(claim(SetupProduct.ADFS, "claim.email").productValue()).contains("E-Mail-Addresses");
        assertThat(claim(SetupProduct.ENTRA_ID, "claim.email").name())
                .isEqualTo("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress");
    }

    @Test
    void aProtocolTheProductDoesNotOfferIsRefused() {
        assertThatThrownBy(() -> SetupGuide.of(SetupProduct.GOOGLE_WORKSPACE, Protocol.OIDC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetupGuide.of(SetupProduct.ADFS, Protocol.OIDC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetupGuide.of(SetupProduct.GENERIC_SAML, Protocol.OIDC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetupGuide.of(SetupProduct.GENERIC_OIDC, Protocol.SAML))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyProductHasATitleInBothLanguages() {
        assertThat(SetupProduct.values()).hasSize(10).allSatisfy(p -> {
            assertThat(en.getProperty(p.title().key())).as(p.wireName()).isNotBlank();
            assertThat(de.getProperty(p.title().key())).as(p.wireName()).isNotBlank();
        });
    }

    private static SetupGuide.ClaimToSend claim(SetupProduct product, String meaning) {
        return SetupGuide.of(product, Protocol.SAML).claims().stream().filter(c -> c.meaning().key().equals(meaning))
                .findFirst().orElseThrow();
    }

    private static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(SetupGuidesTest.class.getResourceAsStream("/" + name),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
