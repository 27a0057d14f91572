package io.gatehouse.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.idp.EmailDomain;
import org.junit.jupiter.api.Test;

/** How an address's domain is read to look claims up: every spelling of a domain folds to the domain. */
class EmailDomainOfTest {

    @Test
    void everySpellingOfADomainFoldsToIt() {
        assertThat(EmailVouching.domainOf("ceo@acme.example")).contains("acme.example");
        assertThat(EmailVouching.domainOf("ceo@ACME.Example.")).contains("acme.example");
        assertThat(EmailVouching.domainOf("\"a@b\"@acme.example")).contains("acme.example");
        // full-width letters and at sign, as an application's NFKC folding would read them
        assertThat(EmailVouching.domainOf("ceo\uFF20\uFF41cme.example")).contains("acme.example");
        assertThat(EmailVouching.domainOf("ceo@bücher.example")).contains("xn--bcher-kva.example");
        // no domain name, but still looked up as it stands: its parents may be claimed
        assertThat(EmailVouching.domainOf("ceo@x..acme.example")).hasValueSatisfying(
                d -> assertThat(EmailDomain.withParents(d)).contains("acme.example"));
    }

    @Test
    void anAddressWithoutADomainPartHasNone() {
        assertThat(EmailVouching.domainOf("no-at-sign")).isEmpty();
        assertThat(EmailVouching.domainOf("trailing@")).isEmpty();
        assertThat(EmailVouching.domainOf("dot@.")).isEmpty();
    }

    @Test
    void aDomainIsLookedUpThenEachParent() {
        assertThat(EmailDomain.withParents("a.hr.acme.example")).containsExactly("a.hr.acme.example",
                "hr.acme.example", "acme.example", "example");
    }
}
