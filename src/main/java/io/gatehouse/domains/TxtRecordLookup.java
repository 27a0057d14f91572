package io.gatehouse.domains;

import io.gatehouse.config.GatehouseProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Looks up the TXT records at a name, asking the configured resolvers ({@code GATEHOUSE_DNS_SERVERS})
 * or the system's, every time: nothing is cached, so no answer outlives its TTL. An alias (CNAME)
 * at the name is not followed, so that one org cannot point its challenge at another org's record.
 */
@Component
public class TxtRecordLookup {
    /** How long a lookup may take, all resolvers and retries together. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** More TXT records than a challenge name plausibly holds: past it the answer is not read. */
    static final int MAX_RECORDS = 50;
    /** The TXT text read at one name, all records together. */
    static final int MAX_TEXT_BYTES = 8192;
    private static final int ATTEMPTS_PER_SERVER = 2;

    private final Resolver resolver;
    private final Duration timeout;

    @Autowired
    public TxtRecordLookup(GatehouseProperties properties) {
        this(properties.dnsResolvers(), DEFAULT_TIMEOUT);
    }

    /**
     * A lookup asking {@code servers} in turn (the system's resolvers when empty), giving up after
     * {@code timeout} in all.
     */
    public TxtRecordLookup(List<InetSocketAddress> servers, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        List<InetSocketAddress> targets = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        // each server gets its share of the time, twice: one lost UDP packet is not a failure
        Duration attempt = timeout.dividedBy((long) Math.max(1, targets.size()) * ATTEMPTS_PER_SERVER);
        List<Resolver> simple = new ArrayList<>();
        for (InetSocketAddress target : targets) {
            SimpleResolver r = new SimpleResolver(target);
            r.setTimeout(attempt);
            simple.add(r);
        }
        ExtendedResolver extended = new ExtendedResolver(simple);
        extended.setRetries(ATTEMPTS_PER_SERVER);
        extended.setTimeout(timeout);
        this.resolver = extended;
        this.timeout = timeout;
    }

    /**
     * The TXT records at {@code name} (a host name such as {@code _gatehouse-challenge.example.com},
     * absolute whether or not it ends in a dot).
     *
     * @throws IllegalArgumentException when {@code name} is not a DNS name
     */
    public TxtAnswer lookup(String name) {
        Name qname = absolute(name);
        String shown = qname.toString(true);
        Message query = Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN));
        Message response;
        try {
            // the resolver checks its deadline between attempts only, and dnsjava notices an attempt's
            // timeout up to a second late (its selector wakes once a second): this deadline is exact
            response = resolver.sendAsync(query).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return timedOut(shown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timedOut(shown);
        } catch (ExecutionException e) {
            return failure(e.getCause(), shown);
        }
        return read(response, qname, shown);
    }

    private static TxtAnswer read(Message response, Name qname, String shown) {
        int rcode = response.getRcode();
        // an alias is reported before the rcode: a dangling CNAME answers NXDOMAIN for its target
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getName().equals(qname) && (r.getType() == Type.CNAME || r.getType() == Type.DNAME)) {
                String target = r instanceof CNAMERecord cname ? cname.getTarget().toString(true) : r.rdataToString();
                return new TxtAnswer.Missing(TxtAnswer.Code.ALIAS_NOT_FOLLOWED, shown + " is an alias (CNAME) of "
                        + target + "; Gatehouse does not follow aliases: put the TXT record at " + shown + " itself");
            }
        }
        switch (rcode) {
            case Rcode.NOERROR -> {
                // read on below
            }
            case Rcode.NXDOMAIN -> {
                return new TxtAnswer.Missing(TxtAnswer.Code.NO_SUCH_NAME,
                        "the DNS answered that " + shown + " does not exist (NXDOMAIN)");
            }
            case Rcode.SERVFAIL -> {
                return new TxtAnswer.Failed(TxtAnswer.Code.SERVER_FAILURE,
                        "the DNS server answered SERVFAIL for " + shown + " (a broken zone or DNSSEC failure?)");
            }
            case Rcode.REFUSED -> {
                return new TxtAnswer.Failed(TxtAnswer.Code.REFUSED, "the DNS server refused to answer for " + shown);
            }
            default -> {
                return new TxtAnswer.Failed(TxtAnswer.Code.DNS_ERROR,
                        "the DNS server answered " + Rcode.string(rcode) + " for " + shown);
            }
        }
        if (response.getHeader().getFlag(Flags.TC)) {
            // SimpleResolver asks again over TCP; a truncated answer here came over TCP itself
            return new TxtAnswer.Failed(TxtAnswer.Code.OVERSIZED,
                    "the DNS answer for " + shown + " was truncated even over TCP");
        }
        List<String> values = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        int bytes = 0;
        for (Record r : response.getSection(Section.ANSWER)) {
            // only records owned by the name itself: anything else in the section was not asked for
            if (r instanceof TXTRecord txt && r.getName().equals(qname)) {
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (byte[] part : txt.getStringsAsByteArrays()) {
                    joined.writeBytes(part);
                }
                bytes += joined.size();
                values.add(joined.toString(StandardCharsets.UTF_8));
                ttl = Math.min(ttl, r.getTTL());
            }
        }
        if (values.size() > MAX_RECORDS || bytes > MAX_TEXT_BYTES) {
            return new TxtAnswer.Failed(TxtAnswer.Code.OVERSIZED, shown + " holds " + values.size()
                    + " TXT records (" + bytes + " bytes), more than Gatehouse reads (" + MAX_RECORDS + " records, "
                    + MAX_TEXT_BYTES + " bytes): remove the ones no longer needed");
        }
        if (values.isEmpty()) {
            return new TxtAnswer.Missing(TxtAnswer.Code.NO_TXT_RECORD, "no TXT record at " + shown);
        }
        return new TxtAnswer.Found(values, Duration.ofSeconds(ttl));
    }

    private static TxtAnswer failure(Throwable cause, String shown) {
        if (cause instanceof WireParseException) {
            return new TxtAnswer.Failed(TxtAnswer.Code.MALFORMED,
                    "the DNS server's answer for " + shown + " was not a well-formed DNS message");
        }
        if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException
                || (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("Timed out"))) {
            return timedOut(shown);
        }
        if (cause instanceof PortUnreachableException) {
            return new TxtAnswer.Failed(TxtAnswer.Code.UNREACHABLE, "no DNS server listens at the configured address");
        }
        return new TxtAnswer.Failed(TxtAnswer.Code.UNREACHABLE,
                "the DNS server could not be asked about " + shown + " (" + cause.getClass().getSimpleName() + ")");
    }

    private static TxtAnswer timedOut(String shown) {
        return new TxtAnswer.Failed(TxtAnswer.Code.TIMEOUT, "the DNS server did not answer for " + shown + " in time");
    }

    private static Name absolute(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }
}
