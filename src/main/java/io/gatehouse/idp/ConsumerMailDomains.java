package io.gatehouse.idp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The domains of public mail services, which no organization owns (the list is consumer-mail-domains.txt). */
final class ConsumerMailDomains {
    static final String RESOURCE = "consumer-mail-domains.txt";
    private static final Set<String> DOMAINS = load();

    private ConsumerMailDomains() {
    }

    /** Whether the domain (lower-case ASCII) is one of them. */
    static boolean contains(String asciiDomain) {
        return DOMAINS.contains(asciiDomain);
    }

    private static Set<String> load() {
        try (InputStream in = ConsumerMailDomains.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Set<String> out = new HashSet<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int comment = line.indexOf('#');
                String domain = (comment < 0 ? line : line.substring(0, comment)).strip().toLowerCase(Locale.ROOT);
                if (!domain.isEmpty()) {
                    out.add(domain);
                }
            }
            return Set.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
