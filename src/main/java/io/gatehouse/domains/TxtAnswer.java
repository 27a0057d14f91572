package io.gatehouse.domains;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a DNS TXT lookup found at one name: the records, their absence, or why it could not tell. */
public sealed interface TxtAnswer {

    /** A stable code for the answer, for pages to word in their own language. */
    Code code();

    /** Why a lookup found no TXT record or could not tell; the names are stable. */
    enum Code {
        /** TXT records were found. */
        FOUND,
        /** The DNS answered NXDOMAIN: the name does not exist. */
        NO_SUCH_NAME,
        /** The name exists but holds no TXT record. */
        NO_TXT_RECORD,
        /** The name is an alias (CNAME) of another name, which Gatehouse does not follow. */
        ALIAS_NOT_FOLLOWED,
        /** The DNS server answered SERVFAIL. */
        SERVER_FAILURE,
        /** The DNS server refused to answer (REFUSED). */
        REFUSED,
        /** The DNS server answered another error code. */
        DNS_ERROR,
        /** No answer within the time allowed. */
        TIMEOUT,
        /** The DNS server could not be reached. */
        UNREACHABLE,
        /** The answer was not a well-formed DNS message for the question. */
        MALFORMED,
        /** The answer holds more TXT data at the name than Gatehouse reads. */
        OVERSIZED
    }

    /**
     * The TXT records at the name, each record's strings joined without separator (as RFC 7208 does
     * for SPF); {@code ttl} is the smallest of their TTLs, how long the answer may be relied on.
     */
    record Found(List<String> values, Duration ttl) implements TxtAnswer {
        public Found {
            values = List.copyOf(values);
            Objects.requireNonNull(ttl);
        }

        @Override
        public Code code() {
            return Code.FOUND;
        }
    }

    /** The DNS says there is no TXT record at the name; {@code reason} is a sentence for an admin. */
    record Missing(Code code, String reason) implements TxtAnswer {
        public Missing {
            if (code != Code.NO_SUCH_NAME && code != Code.NO_TXT_RECORD && code != Code.ALIAS_NOT_FOLLOWED) {
                throw new IllegalArgumentException(code + " is not a missing record");
            }
            Objects.requireNonNull(reason);
        }
    }

    /** The lookup could not tell whether the record is there; {@code reason} is a sentence for an admin. */
    record Failed(Code code, String reason) implements TxtAnswer {
        public Failed {
            if (code == Code.FOUND || code == Code.NO_SUCH_NAME || code == Code.NO_TXT_RECORD
                    || code == Code.ALIAS_NOT_FOLLOWED) {
                throw new IllegalArgumentException(code + " is not a failure");
            }
            Objects.requireNonNull(reason);
        }
    }
}
