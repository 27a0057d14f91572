package io.gatehouse.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.gatehouse.signin.RejectReason;
import org.junit.jupiter.api.Test;

/** The layout rules of DESIGN.md: capabilities without cycles, framework seams kept narrow. */
class PackageRulesTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Spring's ahead-of-time wiring (Foo__BeanDefinitions) is generated code, not design
            .withImportOption(location -> !location.contains("__"))
            .importPackages("io.gatehouse");

    @Test
    void capabilitiesHaveNoCycles() {
        slices().matching("io.gatehouse.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theHttpEdgeDependsOnNoCapability() {
        noClasses().that().resideInAPackage("io.gatehouse.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.idp..", "io.gatehouse.access..",
                        "io.gatehouse.tenancy..", "io.gatehouse.audit..", "io.gatehouse.saml..")
                .check(CLASSES);
    }

    @Test
    void cryptoAndXmlStandAlone() {
        noClasses().that().resideInAnyPackage("io.gatehouse.crypto..", "io.gatehouse.xml..", "io.gatehouse.metadata..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.idp..", "io.gatehouse.access..",
                        "io.gatehouse.tenancy..", "io.gatehouse.audit..", "io.gatehouse.saml..", "io.gatehouse.platform..")
                .check(CLASSES);
    }

    @Test
    void santuarioStaysBehindTheSamlSeam() {
        noClasses().that().resideOutsideOfPackage("io.gatehouse.saml.internal..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.xml.security..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("io.gatehouse.saml..")
                .should().dependOnClassesThat().resideInAPackage("io.gatehouse.saml.internal..")
                .check(CLASSES);
    }

    @Test
    void nimbusStaysBehindTheOidcSeam() {
        // the relying party's policy is ours; Nimbus parses, signs and verifies behind oidc.internal
        noClasses().that().resideInAPackage("io.gatehouse.oidc")
                .should().dependOnClassesThat().resideInAnyPackage("com.nimbusds..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("io.gatehouse.oidc..")
                .should().dependOnClassesThat().resideInAPackage("io.gatehouse.oidc.internal..")
                .check(CLASSES);
    }

    @Test
    void dnsjavaStaysInTheDomainsPackage() {
        noClasses().that().resideOutsideOfPackage("io.gatehouse.domains..")
                .should().dependOnClassesThat().resideInAPackage("org.xbill.DNS..")
                .check(CLASSES);
    }

    /**
     * The sign-in runtime reads providers through the read-only directory ({@code ProviderDirectory},
     * typed SAML and OIDC views) and re-reads metadata through {@code SigningKeyRefresh}; the
     * registry's writer and its store stay out of reach.
     */
    @Test
    void runtimeReadsProvidersThroughTheDirectory() {
        noClasses().that().resideInAnyPackage("io.gatehouse.saml..", "io.gatehouse.oidc..", "io.gatehouse.signin..",
                        "io.gatehouse.issuer..", "io.gatehouse.provisioning..", "io.gatehouse.mapping..",
                        "io.gatehouse.routing..")
                .should().dependOnClassesThat()
                .haveNameMatching("io\\.gatehouse\\.idp\\.(IdentityProviders|IdentityProviderStore)(\\$.*)?")
                .check(CLASSES);
    }

    @Test
    void registryIsTheOnlyWriterOfIdentityProviders() {
        noClasses().that().resideOutsideOfPackage("io.gatehouse.idp")
                .should().dependOnClassesThat().haveSimpleName("IdentityProviderStore")
                .check(CLASSES);
    }

    @Test
    void signInDependsOnNoProtocolNorOnWhatFollowsIt() {
        // the protocols, mapping, provisioning and the issuer all use signin's types and its catalog of
        // refusals; signin itself names none of them
        noClasses().that().resideInAPackage("io.gatehouse.signin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.gatehouse.saml..", "io.gatehouse.oidc..",
                        "io.gatehouse.mapping..", "io.gatehouse.provisioning..", "io.gatehouse.issuer..")
                .check(CLASSES);
    }

    @Test
    void signInRefusalsTakeTheirCodesFromTheOneCatalog() {
        noClasses().that().resideInAnyPackage("io.gatehouse.saml..", "io.gatehouse.oidc..", "io.gatehouse.signin..",
                        "io.gatehouse.mapping..", "io.gatehouse.provisioning..", "io.gatehouse.issuer..")
                .and().areEnums().and().doNotBelongToAnyOf(RejectReason.class)
                .should(declareACode())
                .check(CLASSES);
        // the twin: the condition does see the catalog's own codes
        classes().that().belongToAnyOf(RejectReason.class).should(declareACode()).check(CLASSES);
    }

    /** An enum with a {@code code()} accessor is a catalog of codes. */
    private static ArchCondition<JavaClass> declareACode() {
        return new ArchCondition<>("declare a code() accessor") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean declares = type.getMethods().stream()
                        .anyMatch(m -> m.getName().equals("code") && m.getRawParameterTypes().isEmpty());
                events.add(new SimpleConditionEvent(type, declares,
                        type.getName() + (declares ? " declares" : " does not declare") + " code()"));
            }
        };
    }
}
