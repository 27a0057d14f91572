package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.DSIG;

import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.saml.SamlExpectation;
import io.gatehouse.signin.RejectReason;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.signature.reference.ReferenceSubTreeData;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Element;

/** Steps 3 and 6: one element's enveloped signature, held to a strict profile, then verified by Santuario. */
// Only configured certificates verify. A key carried in the message is used in fingerprint mode
// alone, and only after its certificate's fingerprint matched the configured one.
public final class SignatureVerifier {
    static {
        Init.init();
    }

    // With comments, "user@evil.com<!---->.example.com" is signed as one string and may be read as
    // another by a reader that stops at the comment: only the comment-free forms are accepted.
    private static final Set<String> CANONICALIZATIONS = Set.of(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    private static final Set<String> TRANSFORMS = Set.of(Transforms.TRANSFORM_ENVELOPED_SIGNATURE,
            Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
    /** Every canonicalization "with comments" (inclusive 1.0 and 1.1, exclusive) ends so. */
    private static final String WITH_COMMENTS = "#WithComments";
    private static final Set<String> DIGESTS = Set.of(MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA384, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA512);
    private static final Set<String> SIGNATURE_METHODS = Arrays.stream(SignatureAlgorithm.values())
            .filter(a -> a != SignatureAlgorithm.RSA_SHA1).map(SignatureAlgorithm::uri)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** Enveloped-signature plus one canonicalization is what IdPs send; a little room, no more. */
    private static final int MAX_TRANSFORMS = 3;

    /** Parsed certificates by their text: an IdP sends the same one with every response. */
    private static final com.github.benmanes.caffeine.cache.Cache<String, X509Certificate> PARSED =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().executor(Runnable::run).maximumSize(2_000).build();

    private SignatureVerifier() {
    }

    private static X509Certificate parsed(String text) throws CertificateParseException {
        X509Certificate cached = PARSED.getIfPresent(text);
        if (cached != null) {
            return cached;
        }
        X509Certificate certificate = Certificates.parse(text);
        PARSED.put(text, certificate);
        return certificate;
    }

    /**
     * The certificate that verified the element's signature; empty when the element carries no
     * signature (whether that is acceptable is the caller's policy).
     */
    public static Checked<Optional<X509Certificate>> verify(Element signed, String what, SamlExpectation expected) {
        return verify(signed, what, expected.trust(), expected.allowSha1(), expected.now());
    }

    /** The same, with the trust, SHA-1 policy and time given one by one (for messages other than a Response). */
    public static Checked<Optional<X509Certificate>> verify(Element signed, String what, CertificateTrust trust,
                                                            boolean allowSha1, Instant now) {
        List<Element> signatures = SamlDom.children(signed, DSIG, "Signature");
        if (signatures.isEmpty()) {
            return Checked.passed(Optional.empty());
        }
        if (signatures.size() > 1) {
            return Checked.failed(RejectReason.SAML_SIGNATURE_INVALID,
                    "the " + what + " carries more than one signature");
        }
        Element signature = signatures.getFirst();
        Optional<Checked.Failed<Optional<X509Certificate>>> refused = profile(signature, signed, what,
                allowSha1);
        if (refused.isPresent()) {
            return refused.get();
        }
        List<X509Certificate> carried = carriedCertificates(signature);
        List<X509Certificate> candidates;
        switch (trusted(trust, carried)) {
            case Checked.Failed<List<X509Certificate>> f -> {
                return f.as();
            }
            case Checked.Passed<List<X509Certificate>>(List<X509Certificate> value) -> candidates = value;
        }
        // try the configured certificate the message names first: during a rotation the others would
        // only fail (and Santuario logs each failure)
        List<X509Certificate> ordered = new ArrayList<>(candidates);
        ordered.sort(java.util.Comparator.comparing(
                (X509Certificate c) -> carried.stream().noneMatch(k -> sameCertificate(k, c))));
        for (X509Certificate certificate : ordered) {
            if (verifiesWith(signature, signed, certificate)) {
                if (now.isAfter(certificate.getNotAfter().toInstant())) {
                    return Checked.failed(RejectReason.SAML_CERTIFICATE_EXPIRED, "the " + what
                            + " is signed with a certificate that expired on " + certificate.getNotAfter().toInstant()
                            + " (SHA-256 fingerprint " + FingerprintAlgorithm.SHA256.fingerprint(certificate) + ")");
                }
                return Checked.passed(Optional.of(certificate));
            }
        }
        return switch (trust) {
            case CertificateTrust.Pinned pinned -> {
                // the carried certificate only explains the refusal; it never takes part in verification
                Optional<X509Certificate> stranger = carried.stream()
                        .filter(c -> candidates.stream().noneMatch(p -> sameCertificate(p, c))).findFirst();
                yield stranger.<Checked<Optional<X509Certificate>>>map(c -> Checked.failed(
                                RejectReason.SAML_CERTIFICATE_UNTRUSTED, "the " + what
                                        + " is signed with a certificate that is not trusted (SHA-256 fingerprint "
                                        + FingerprintAlgorithm.SHA256.fingerprint(c) + ")"))
                        .orElseGet(() -> Checked.failed(RejectReason.SAML_SIGNATURE_INVALID, "the " + what
                                + " signature does not verify with the trusted certificate"
                                + (candidates.size() > 1 ? "s" : "")));
            }
            case CertificateTrust.Fingerprint fingerprint -> Checked.failed(RejectReason.SAML_SIGNATURE_INVALID,
                    "the " + what + " signature does not verify with the certificate of the configured fingerprint");
        };
    }

    /** The signature profile, checked on the DOM before Santuario runs anything. */
    private static <T> Optional<Checked.Failed<T>> profile(Element signature, Element signed, String what,
                                                           boolean allowSha1) {
        Optional<String> id = SamlDom.attribute(signed, "ID");
        if (id.isEmpty()) {
            return refuse(RejectReason.SAML_SIGNATURE_INVALID, "the signed " + what + " has no ID");
        }
        List<Element> signedInfos = SamlDom.children(signature, DSIG, "SignedInfo");
        if (signedInfos.size() != 1) {
            return refuse(RejectReason.SAML_SIGNATURE_INVALID, "the " + what + " signature has no single SignedInfo");
        }
        Element signedInfo = signedInfos.getFirst();
        String c14n = algorithm(SamlDom.child(signedInfo, DSIG, "CanonicalizationMethod"));
        if (c14n.endsWith(WITH_COMMENTS)) {
            return refuse(RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS, "the " + what
                    + " signature's canonicalization " + SamlDom.quote(c14n) + " keeps comments");
        }
        if (!CANONICALIZATIONS.contains(c14n)) {
            return refuse(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED, "the " + what
                    + " signature's canonicalization " + SamlDom.quote(c14n) + " is refused; exclusive c14n is required");
        }
        String method = algorithm(SamlDom.child(signedInfo, DSIG, "SignatureMethod"));
        boolean sha1Method = SignatureAlgorithm.RSA_SHA1.uri().equals(method);
        if (!SIGNATURE_METHODS.contains(method) && !(sha1Method && allowSha1)) {
            return refuse(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED, "the " + what + " signature algorithm "
                    + SamlDom.quote(method) + " is refused" + (sha1Method ? " (SHA-1 is not allowed for this identity provider)" : ""));
        }
        List<Element> references = SamlDom.children(signedInfo, DSIG, "Reference");
        if (references.size() != 1) {
            return refuse(RejectReason.SAML_SIGNATURE_INVALID, "the " + what + " signature must have exactly one"
                    + " Reference, it has " + references.size());
        }
        Element reference = references.getFirst();
        String uri = reference.hasAttributeNS(null, "URI") ? reference.getAttributeNS(null, "URI") : null;
        if (!("#" + id.get()).equals(uri)) {
            return refuse(RejectReason.SAML_SIGNATURE_INVALID, "the " + what + " signature does not reference the "
                    + what + " it sits in (reference " + SamlDom.quote(uri) + ")");
        }
        List<Element> transformLists = SamlDom.children(reference, DSIG, "Transforms");
        List<Element> transforms = transformLists.isEmpty() ? List.of()
                : SamlDom.children(transformLists.getFirst(), DSIG, "Transform");
        if (transformLists.size() > 1 || transforms.size() > MAX_TRANSFORMS) {
            return refuse(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED,
                    "the " + what + " signature has too many transforms");
        }
        for (Element transform : transforms) {
            String algorithm = algorithm(Optional.of(transform));
            if (algorithm.endsWith(WITH_COMMENTS)) {
                return refuse(RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS, "the " + what + " signature transform "
                        + SamlDom.quote(algorithm) + " keeps comments");
            }
            if (!TRANSFORMS.contains(algorithm)) {
                return refuse(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED, "the " + what + " signature transform "
                        + SamlDom.quote(algorithm) + " is refused; only enveloped-signature and exclusive c14n are accepted");
            }
        }
        String digest = algorithm(SamlDom.child(reference, DSIG, "DigestMethod"));
        boolean sha1Digest = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1.equals(digest);
        if (!DIGESTS.contains(digest) && !(sha1Digest && allowSha1)) {
            return refuse(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED, "the " + what + " signature digest "
                    + SamlDom.quote(digest) + " is refused" + (sha1Digest ? " (SHA-1 is not allowed for this identity provider)" : ""));
        }
        return Optional.empty();
    }

    private static <T> Optional<Checked.Failed<T>> refuse(RejectReason reason, String detail) {
        return Optional.of(Checked.failed(reason, detail));
    }

    private static String algorithm(Optional<Element> element) {
        return element.map(e -> e.getAttributeNS(null, "Algorithm")).orElse("");
    }

    /** The certificates allowed to verify this signature. */
    private static Checked<List<X509Certificate>> trusted(CertificateTrust trust, List<X509Certificate> carried) {
        return switch (trust) {
            case CertificateTrust.Pinned pinned -> {
                List<X509Certificate> out = new ArrayList<>();
                for (String pem : pinned.certificatesPem()) {
                    try {
                        out.add(parsed(pem));
                    } catch (CertificateParseException e) {
                        // a broken entry of a rotation list must not disable the others
                    }
                }
                yield out.isEmpty() ? Checked.failed(RejectReason.SAML_CERTIFICATE_UNTRUSTED,
                        "no usable certificate is configured for the identity provider") : Checked.passed(out);
            }
            case CertificateTrust.Fingerprint fingerprint -> {
                Optional<String> wanted = fingerprint.algorithm().normalize(fingerprint.value());
                if (wanted.isEmpty()) {
                    yield Checked.failed(RejectReason.SAML_CERTIFICATE_UNTRUSTED, "the configured fingerprint is not a"
                            + " valid " + fingerprint.algorithm().wireName() + " fingerprint");
                }
                if (carried.isEmpty()) {
                    yield Checked.failed(RejectReason.SAML_CERTIFICATE_UNTRUSTED,
                            "the signature carries no certificate to compare with the configured fingerprint");
                }
                List<X509Certificate> matching = carried.stream()
                        .filter(c -> fingerprint.algorithm().fingerprint(c).equals(wanted.get())).toList();
                yield matching.isEmpty() ? Checked.failed(RejectReason.SAML_CERTIFICATE_UNTRUSTED,
                        "the signing certificate's " + fingerprint.algorithm().wireName() + " fingerprint "
                                + fingerprint.algorithm().fingerprint(carried.getFirst())
                                + " is not the configured " + wanted.get()) : Checked.passed(matching);
            }
        };
    }

    /** Certificates in the signature's own KeyInfo/X509Data; unreadable ones are ignored. */
    private static List<X509Certificate> carriedCertificates(Element signature) {
        List<X509Certificate> out = new ArrayList<>();
        for (Element keyInfo : SamlDom.children(signature, DSIG, "KeyInfo")) {
            for (Element data : SamlDom.children(keyInfo, DSIG, "X509Data")) {
                for (Element cert : SamlDom.children(data, DSIG, "X509Certificate")) {
                    try {
                        out.add(parsed(SamlDom.text(cert)));
                    } catch (CertificateParseException e) {
                        // not a certificate: it cannot match a fingerprint nor explain a refusal
                    }
                }
            }
        }
        return out;
    }

    /**
     * Santuario's verdict with one public key, plus a check that the single reference resolved to
     * the very element we will read.
     */
    // The element checked is the one Santuario digested (its cached dereference), not a second
    // resolution of the URI: that was a second walk of the whole document for the same answer.
    private static boolean verifiesWith(Element signature, Element signed, X509Certificate certificate) {
        try {
            XMLSignature xml = new XMLSignature(signature, "", true);
            return xml.checkSignatureValue(certificate.getPublicKey())
                    && xml.getSignedInfo().getLength() == 1
                    && xml.getSignedInfo().item(0).getReferenceData() instanceof ReferenceSubTreeData digested
                    && digested.getRoot() == signed;
        } catch (XMLSecurityException | RuntimeException e) {
            // a key of another type, an unresolvable reference or a broken structure: not verified
            return false;
        }
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }
}
