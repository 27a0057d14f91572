package io.gatehouse.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.TestDnsServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TXT lookups against a real DNS server on 127.0.0.1, and the exact-match rule of a domain challenge. */
class TxtRecordLookupTest {
    private static final Duration TTL = Duration.ofSeconds(300);
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final DomainChallenge CHALLENGE = DomainChallenge.of("example.com", TOKEN);

    private final TestDnsServer dns = new TestDnsServer();
    private final TxtRecordLookup lookup = new TxtRecordLookup(List.of(dns.address()), Duration.ofSeconds(2));

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void theChallengeNamesTheRecordAndItsValue() {
        assertThat(CHALLENGE.name()).isEqualTo("_gatehouse-challenge.example.com");
        assertThat(CHALLENGE.value()).isEqualTo("gatehouse-verification=" + TOKEN);
        assertThat(DomainChallenge.of("Bücher.Example.", TOKEN).name())
                .isEqualTo("_gatehouse-challenge.xn--bcher-kva.example");
        assertThat(DomainChallenge.newToken()).matches("[0-9a-f]{32}").isNotEqualTo(DomainChallenge.newToken());
        assertThatThrownBy(() -> DomainChallenge.of("exa mple.com", TOKEN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DomainChallenge.of("example.com", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DomainChallenge.of("example.com", "a=b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsTheRecordsAndProvesTheChallengeWithTheExactValue() {
        dns.txt(CHALLENGE.name(), TTL, "v=spf1 -all", CHALLENGE.value());

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isEqualTo(new TxtAnswer.Found(List.of("v=spf1 -all", CHALLENGE.value()), TTL));
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.FOUND);
        assertThat(CHALLENGE.provenBy(answer)).isTrue();
        // a trailing dot names the same absolute name
        assertThat(lookup.lookup(CHALLENGE.name() + ".")).isEqualTo(answer);
    }

    @Test
    void surroundingWhitespaceIsForgivenButNothingElse() {
        assertThat(provenBy("  " + CHALLENGE.value() + " ")).isTrue();
        assertThat(provenBy("gatehouse-verification=someone-elses-token")).isFalse();
        assertThat(provenBy(CHALLENGE.value().substring(0, CHALLENGE.value().length() - 1))).isFalse();
        assertThat(provenBy(CHALLENGE.value() + "0")).isFalse();
        assertThat(provenBy(CHALLENGE.value().toUpperCase())).isFalse();
        assertThat(provenBy("gatehouse-verification=" + TOKEN.toUpperCase())).isFalse();
        assertThat(provenBy(TOKEN)).isFalse();
        // another org's value that quotes this token does not prove it
        assertThat(provenBy("gatehouse-verification=ffff " + CHALLENGE.value())).isFalse();
        assertThat(provenBy("org=other " + CHALLENGE.value())).isFalse();
    }

    private boolean provenBy(String value) {
        dns.txt(CHALLENGE.name(), TTL, value);
        return CHALLENGE.provenBy(lookup.lookup(CHALLENGE.name()));
    }

    @Test
    void aRecordSplitIntoSeveralStringsIsJoinedWithoutSeparator() {
        String value = CHALLENGE.value();
        dns.txtStrings(CHALLENGE.name(), TTL, List.of(
                List.of(value.substring(0, 10), value.substring(10)),
                List.of("v=spf1 ", "include:_spf.example.com ", "-all")));

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isEqualTo(new TxtAnswer.Found(
                List.of(value, "v=spf1 include:_spf.example.com -all"), TTL));
        assertThat(CHALLENGE.provenBy(answer)).isTrue();
        // strings are not records: the value split across two records proves nothing
        dns.txt(CHALLENGE.name(), TTL, value.substring(0, 10), value.substring(10));
        assertThat(CHALLENGE.provenBy(lookup.lookup(CHALLENGE.name()))).isFalse();
    }

    @Test
    void quotesInTheTextAreTheTextItself() {
        dns.txt(CHALLENGE.name(), TTL, "\"" + CHALLENGE.value() + "\"");

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isEqualTo(new TxtAnswer.Found(List.of("\"" + CHALLENGE.value() + "\""), TTL));
        assertThat(CHALLENGE.provenBy(answer)).isFalse();
    }

    @Test
    void aNameThatDoesNotExistIsMissing() {
        dns.nxdomain(CHALLENGE.name());

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isInstanceOf(TxtAnswer.Missing.class);
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.NO_SUCH_NAME);
        assertThat(((TxtAnswer.Missing) answer).reason()).contains("_gatehouse-challenge.example.com", "NXDOMAIN");
        assertThat(CHALLENGE.provenBy(answer)).isFalse();
    }

    @Test
    void aNameWithoutTxtRecordsIsMissing() {
        dns.noTxt(CHALLENGE.name());

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isEqualTo(new TxtAnswer.Missing(TxtAnswer.Code.NO_TXT_RECORD,
                "no TXT record at _gatehouse-challenge.example.com"));
    }

    @Test
    void anAliasIsNotFollowedToAnotherOrgsRecord() {
        DomainChallenge other = DomainChallenge.of("other.example", "fedcba9876543210fedcba9876543210");
        DomainChallenge mine = DomainChallenge.of("example.com", "fedcba9876543210fedcba9876543210");
        dns.cname(mine.name(), other.name(), TTL, other.value());

        TxtAnswer answer = lookup.lookup(mine.name());

        assertThat(answer).isInstanceOf(TxtAnswer.Missing.class);
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.ALIAS_NOT_FOLLOWED);
        assertThat(((TxtAnswer.Missing) answer).reason()).contains("CNAME", "_gatehouse-challenge.other.example");
        assertThat(mine.provenBy(answer)).isFalse();
        // the twin: at the target itself the same value is found
        dns.txt(other.name(), TTL, other.value());
        assertThat(mine.provenBy(lookup.lookup(other.name()))).isTrue();
    }

    @Test
    void serverFailuresAndRefusalsAreFailures() {
        dns.servfail(CHALLENGE.name());
        TxtAnswer servfail = lookup.lookup(CHALLENGE.name());
        assertThat(servfail.code()).isEqualTo(TxtAnswer.Code.SERVER_FAILURE);
        assertThat(((TxtAnswer.Failed) servfail).reason()).contains("SERVFAIL");

        dns.refused(CHALLENGE.name());
        TxtAnswer refused = lookup.lookup(CHALLENGE.name());
        assertThat(refused).isInstanceOf(TxtAnswer.Failed.class);
        assertThat(refused.code()).isEqualTo(TxtAnswer.Code.REFUSED);
        assertThat(CHALLENGE.provenBy(refused)).isFalse();
    }

    @Test
    void aMalformedAnswerIsAFailure() {
        dns.malformed(CHALLENGE.name());

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isInstanceOf(TxtAnswer.Failed.class);
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.MALFORMED);
        assertThat(dns.queries(CHALLENGE.name())).isPositive();
    }

    @Test
    void anAnswerTooLargeForUdpIsAskedAgainOverTcp() {
        dns.oversized(CHALLENGE.name(), TTL, 40);

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isInstanceOf(TxtAnswer.Found.class);
        assertThat(((TxtAnswer.Found) answer).values()).hasSize(40);
        assertThat(dns.tcpQueries(CHALLENGE.name())).isEqualTo(1);
        assertThat(dns.queries(CHALLENGE.name())).isEqualTo(2);
    }

    @Test
    void moreTxtDataThanAChallengeNameHoldsIsNotRead() {
        dns.oversized(CHALLENGE.name(), TTL, TxtRecordLookup.MAX_RECORDS + 1);

        TxtAnswer answer = lookup.lookup(CHALLENGE.name());

        assertThat(answer).isInstanceOf(TxtAnswer.Failed.class);
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.OVERSIZED);
        // the twin: at the limit it is read
        dns.oversized(CHALLENGE.name(), TTL, TxtRecordLookup.MAX_RECORDS);
        assertThat(lookup.lookup(CHALLENGE.name())).isInstanceOf(TxtAnswer.Found.class);
    }

    @Test
    void everyLookupAsksTheServerSoAChangedRecordIsSeenOnceItsTtlAllows() {
        Duration oneSecond = Duration.ofSeconds(1);
        dns.txt(CHALLENGE.name(), oneSecond, "gatehouse-verification=old");

        assertThat(lookup.lookup(CHALLENGE.name()))
                .isEqualTo(new TxtAnswer.Found(List.of("gatehouse-verification=old"), oneSecond));
        dns.txt(CHALLENGE.name(), oneSecond, CHALLENGE.value());
        TxtAnswer second = lookup.lookup(CHALLENGE.name());
        TxtAnswer third = lookup.lookup(CHALLENGE.name());

        assertThat(second).isEqualTo(new TxtAnswer.Found(List.of(CHALLENGE.value()), oneSecond));
        assertThat(CHALLENGE.provenBy(second)).isTrue();
        assertThat(third).isEqualTo(second);
        // nothing is cached, not even within the TTL: each lookup was one query
        assertThat(dns.queries(CHALLENGE.name())).isEqualTo(3);
        // the answer's TTL is the smallest of its records'
        dns.txtStrings(CHALLENGE.name(), TTL, List.of(List.of("a")));
        assertThat(((TxtAnswer.Found) lookup.lookup(CHALLENGE.name())).ttl()).isEqualTo(TTL);
    }

    @Test
    void aSilentServerTimesOutWithinTheLimit() {
        dns.silent(CHALLENGE.name());
        TxtRecordLookup quick = new TxtRecordLookup(List.of(dns.address()), Duration.ofSeconds(3));

        long start = System.nanoTime();
        TxtAnswer answer = quick.lookup(CHALLENGE.name());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer).isInstanceOf(TxtAnswer.Failed.class);
        assertThat(answer.code()).isEqualTo(TxtAnswer.Code.TIMEOUT);
        assertThat(((TxtAnswer.Failed) answer).reason()).contains("did not answer");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2900)).isLessThan(Duration.ofSeconds(5));
        assertThat(dns.queries(CHALLENGE.name())).isPositive();
    }

    @Test
    void aSilentFirstServerLeavesTheSecondToAnswer() {
        try (TestDnsServer second = new TestDnsServer()) {
            dns.silent(CHALLENGE.name());
            second.txt(CHALLENGE.name(), TTL, CHALLENGE.value());
            TxtRecordLookup both = new TxtRecordLookup(List.of(dns.address(), second.address()), Duration.ofSeconds(2));

            assertThat(CHALLENGE.provenBy(both.lookup(CHALLENGE.name()))).isTrue();
        }
    }

    @Test
    void notADnsNameIsRefusedBeforeAsking() {
        assertThatThrownBy(() -> lookup.lookup("a..b")).isInstanceOf(IllegalArgumentException.class);
    }
}
