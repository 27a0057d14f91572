package io.gatehouse.portal;

import io.gatehouse.api.ProblemException;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviderView;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.WireEnum;
import io.gatehouse.idp.saml.NameIdFormats;
import io.gatehouse.pages.Language;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.TestSignInResultPage;
import io.gatehouse.pages.Text;
import io.gatehouse.portal.PortalPage.Context;
import io.gatehouse.portal.PortalPage.CopyValue;
import io.gatehouse.portal.PortalPage.Option;
import io.gatehouse.portal.PortalPage.StepLink;
import io.gatehouse.portal.SetupPortal.Progress;
import io.gatehouse.saml.SpMetadata;
import io.gatehouse.saml.SpMetadataWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.node.ObjectNode;

/**
 * The setup portal's pages under {@code /setup/}: a setup link's secret is exchanged once for a session
 * cookie, and from then on every page works on the one provider the link sets up. Pages are plain GETs;
 * every form posts with the session's CSRF token and answers with a redirect (or the same page with
 * what to fix), so reloading never repeats a change.
 */
@RestController
class SetupPortalController {
    static final String SCRIPT = "/assets/setup.js";
    private static final String REFERRER_POLICY = "Referrer-Policy";
    private static final String NO_REFERRER = "no-referrer";
    private static final String PORTAL = SetupLinks.PORTAL_PATH;
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final int MAX_METADATA_BYTES = 1024 * 1024;
    private static final Pattern XML_ENCODING = Pattern.compile(
            "\\s*<\\?xml\\s[^>]*?encoding\\s*=\\s*[\"']([A-Za-z][A-Za-z0-9._-]{0,39})[\"']");
    private final SetupLinks links;
    private final PortalSessions sessions;
    private final SetupPortal portal;
    private final Pages pages;
    private final Clock clock;
    private final String baseUrl;

    SetupPortalController(SetupLinks links, PortalSessions sessions, SetupPortal portal, Pages pages, Clock clock,
                          GatehouseProperties properties) {
        this.links = links;
        this.sessions = sessions;
        this.portal = portal;
        this.pages = pages;
        this.clock = clock;
        this.baseUrl = properties.baseUrl();
    }

    /**
     * The link itself. Its answer sets the session cookie and moves on to {@code /setup/} by the page's own
     * navigation: a SameSite=Strict cookie set while following a link from another site (a mail) would not
     * be sent on a redirect of that same navigation, but is on the page's next one. No Referer carries the
     * secret anywhere.
     */
    @GetMapping("/setup/{secret}")
    ResponseEntity<String> open(@PathVariable String secret) {
        Instant now = clock.instant();
        return switch (links.resolve(secret, now)) {
            case SetupLinkResolution.Refused refused -> withHeaders(ended(refused.reason()), REFERRER_POLICY, NO_REFERRER);
            case SetupLinkResolution.Valid valid -> {
                PortalSessions.PortalSession session = sessions.open(valid.link(), now);
                Progress progress = portal.progress(valid.link());
                ResponseEntity<String> page = pages.render(HttpStatus.OK,
                        new PortalPage.Opening(context(progress, session.id(), Optional.empty())));
                yield withHeaders(page, HttpHeaders.SET_COOKIE, sessions.cookie(session, now).toString(),
                        REFERRER_POLICY, NO_REFERRER);
            }
        };
    }

    @GetMapping({"/setup", "/setup/"})
    ResponseEntity<String> overview(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withSession(sessionId, (link, progress) -> {
            Optional<PortalPage.Connection> connection = progress.provider().map(idp -> connection(idp, progress));
            String next = Arrays.stream(SetupStep.values()).filter(s -> !done(s, progress)).findFirst()
                    .map(SetupStep::path).orElse(SetupStep.TEST.path());
            return pages.render(HttpStatus.OK, new PortalPage.Overview(context(progress, sessionId, Optional.empty()),
                    connection, next, link.email()));
        });
    }

    @GetMapping("/setup/product")
    ResponseEntity<String> product(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withSession(sessionId, (link, progress) -> productPage(sessionId, progress, Optional.empty(),
                HttpStatus.OK));
    }

    @PostMapping("/setup/product")
    ResponseEntity<String> chooseProduct(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                         @RequestParam(name = "_csrf", required = false) String csrf,
                                         @RequestParam(name = "product", required = false) String product) {
        return withForm(sessionId, csrf, (link, progress) -> {
            Optional<SetupProduct> chosen = WireEnum.parse(SetupProduct.class, product == null ? "" : product)
                    .filter(p -> offered(p, progress));
            if (chosen.isEmpty()) {
                return productPage(sessionId, progress, Optional.of(Text.of("setup.product.required")),
                        HttpStatus.UNPROCESSABLE_CONTENT);
            }
            Protocol protocol = progress.provider().map(IdentityProvider::protocol)
                    .orElse(chosen.get().protocols().getFirst());
            portal.choose(link, chosen.get(), protocol);
            boolean ask = progress.provider().isEmpty() && chosen.get().protocols().size() > 1;
            return seeOther(ask ? PORTAL + "protocol" : SetupStep.INSTRUCTIONS.path());
        });
    }

    @GetMapping("/setup/protocol")
    ResponseEntity<String> protocol(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withChoice(sessionId, (link, progress, choice) -> {
            if (progress.provider().isPresent()) {
                return seeOther(SetupStep.INSTRUCTIONS.path());
            }
            List<Option> options = choice.product().protocols().stream().map(p -> new Option(p.wireName(),
                    Text.of("setup.protocol." + p.wireName()),
                    Optional.of(Text.of(p == choice.product().protocols().getFirst() ? "setup.protocol.recommended"
                            : "setup.protocol." + p.wireName() + ".hint")),
                    p == choice.protocol())).toList();
            return pages.render(HttpStatus.OK, new PortalPage.ProtocolChoice(context(progress, sessionId,
                    Optional.of(SetupStep.PRODUCT)), choice.product().title(), options));
        });
    }

    @PostMapping("/setup/protocol")
    ResponseEntity<String> chooseProtocol(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                          @RequestParam(name = "_csrf", required = false) String csrf,
                                          @RequestParam(name = "protocol", required = false) String protocol) {
        return withForm(sessionId, csrf, (link, progress) -> {
            Optional<PortalChoice> choice = progress.choice();
            Optional<Protocol> chosen = WireEnum.parse(Protocol.class, protocol == null ? "" : protocol);
            if (choice.isEmpty()) {
                return seeOther(SetupStep.PRODUCT.path());
            }
            if (chosen.isPresent() && choice.get().product().supports(chosen.get()) && progress.provider().isEmpty()) {
                portal.choose(link, choice.get().product(), chosen.get());
            }
            return seeOther(SetupStep.INSTRUCTIONS.path());
        });
    }

    @GetMapping("/setup/instructions")
    ResponseEntity<String> instructions(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withChoice(sessionId, (link, progress, choice) -> {
            SetupGuide guide = SetupGuide.of(choice.product(), choice.protocol());
            SpEndpoints sp = SpEndpoints.of(baseUrl, link.org(), choice.alias());
            List<CopyValue> values = new ArrayList<>();
            if (choice.protocol() == Protocol.SAML) {
                values.add(new CopyValue("acs-url", Text.of("value.acs_url"), sp.acsUrl()));
                values.add(new CopyValue("entity-id", Text.of("value.entity_id"), sp.entityId()));
                values.add(new CopyValue("metadata-url", Text.of("value.metadata_url"), sp.metadataUrl()));
                values.add(new CopyValue("name-id-format", Text.of("value.name_id_format"), NameIdFormats.EMAIL));
            } else {
                values.add(new CopyValue("redirect-uri", Text.of("value.redirect_uri"), sp.oidcRedirectUri()));
            }
            values.add(new CopyValue("login-url", Text.of("value.login_url"), sp.loginUrl()));
            return pages.render(HttpStatus.OK, new PortalPage.Instructions(context(progress, sessionId,
                    Optional.of(SetupStep.INSTRUCTIONS)), choice.product().title(), guide, values,
                    choice.protocol() == Protocol.SAML ? Optional.of(PORTAL + "sp-metadata.xml") : Optional.empty()));
        });
    }

    /**
     * Gatehouse's SP metadata for the provider being set up: the published one once the provider exists;
     * before, the same document without keys (its AuthnRequests are not signed until it has them).
     */
    @GetMapping("/setup/sp-metadata.xml")
    ResponseEntity<String> spMetadata(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withChoice(sessionId, (link, progress, choice) -> {
            SpEndpoints sp = SpEndpoints.of(baseUrl, link.org(), choice.alias());
            if (choice.protocol() != Protocol.SAML) {
                return seeOther(SetupStep.INSTRUCTIONS.path());
            }
            if (progress.provider().isPresent()) {
                return seeOther(URI.create(sp.metadataUrl()).getRawPath());
            }
            String xml = new SpMetadataWriter().write(new SpMetadata(sp.entityId(), sp.acsUrl(), sp.sloUrl(), List.of(),
                    List.of(), false, true, List.of(NameIdFormats.EMAIL, NameIdFormats.PERSISTENT), Optional.empty()));
            return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, "application/samlmetadata+xml")
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"gatehouse-"
                            + choice.alias().value() + "-sp-metadata.xml\"")
                    .cacheControl(CacheControl.noStore()).body(xml);
        });
    }

    @GetMapping("/setup/connect")
    ResponseEntity<String> connect(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withChoice(sessionId, (link, progress, choice) -> {
            Map<String, String> values = new LinkedHashMap<>();
            progress.provider().ifPresentOrElse(idp -> values.putAll(currentValues(idp)),
                    () -> values.put("display_name", englishName(choice.product())));
            return connectPage(sessionId, progress, choice, values, List.of(), HttpStatus.OK);
        });
    }

    @PostMapping("/setup/connect")
    ResponseEntity<String> saveConnection(HttpServletRequest request,
                                          @CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                          @RequestParam(name = "_csrf", required = false) String csrf,
                                          @RequestParam(name = "display_name", required = false) String displayName,
                                          @RequestParam(name = "metadata_url", required = false) String metadataUrl,
                                          @RequestParam(name = "metadata_file", required = false) MultipartFile file,
                                          @RequestParam(name = "issuer", required = false) String issuer,
                                          @RequestParam(name = "client_id", required = false) String clientId,
                                          @RequestParam(name = "client_secret", required = false) String clientSecret) {
        return withForm(sessionId, csrf, (link, progress) -> {
            Optional<PortalChoice> choice = progress.choice();
            if (choice.isEmpty()) {
                return seeOther(SetupStep.PRODUCT.path());
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put("display_name", trim(displayName));
            List<FieldProblem> problems = new ArrayList<>();
            ObjectNode body = TestSignInJson.JSON.createObjectNode();
            if (!trim(displayName).isEmpty() || progress.provider().isEmpty()) {
                body.put("display_name", trim(displayName));
            }
            if (choice.get().protocol() == Protocol.SAML) {
                values.put("metadata_url", trim(metadataUrl));
                samlSource(body, trim(metadataUrl), file, progress.provider().isPresent(), problems);
            } else {
                values.put("issuer", trim(issuer));
                values.put("client_id", trim(clientId));
                ObjectNode oidc = body.putObject("oidc");
                oidc.put("issuer", trim(issuer));
                oidc.put("client_id", trim(clientId));
                if (clientSecret != null && !clientSecret.isEmpty()) {
                    oidc.put("client_secret", clientSecret);
                } else if (progress.provider().isEmpty()) {
                    problems.add(new FieldProblem("client_secret", Text.of("setup.connect.secret_required")));
                }
            }
            if (problems.isEmpty()) {
                try {
                    portal.connect(link, choice.get(), body);
                    return seeOther(SetupStep.DOMAINS.path());
                } catch (ProblemException e) {
                    problems.addAll(SetupFixes.explain(e, Language.of(request).locale()));
                }
            }
            return connectPage(sessionId, portal.progress(link), choice.get(), values, problems,
                    HttpStatus.UNPROCESSABLE_CONTENT);
        });
    }

    @GetMapping("/setup/domains")
    ResponseEntity<String> domains(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withProvider(sessionId, (link, progress, choice, idp) -> pages.render(HttpStatus.OK,
                new PortalPage.Domains(context(progress, sessionId, Optional.of(SetupStep.DOMAINS)),
                        idp.domains().stream().map(d -> d.value()).toList(), Optional.empty(), List.of())));
    }

    @PostMapping("/setup/domains")
    ResponseEntity<String> saveDomains(HttpServletRequest request,
                                       @CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                       @RequestParam(name = "_csrf", required = false) String csrf,
                                       @RequestParam(name = "domain", required = false) List<String> domains) {
        return withForm(sessionId, csrf, (link, progress) -> {
            if (progress.choice().isEmpty() || progress.provider().isEmpty()) {
                return seeOther(PORTAL);
            }
            List<String> given = (domains == null ? List.<String>of() : domains).stream().map(SetupPortalController::trim)
                    .filter(d -> !d.isEmpty()).toList();
            try {
                portal.domains(link, progress.choice().get(), given);
                return seeOther(SetupStep.TEST.path());
            } catch (ProblemException e) {
                List<FieldProblem> problems = SetupFixes.explain(e, Language.of(request).locale());
                Optional<Text> fieldError = problems.stream().filter(p -> p.field().equals("domains"))
                        .map(FieldProblem::message).findFirst();
                List<Text> formErrors = problems.stream().filter(p -> !p.field().equals("domains"))
                        .map(FieldProblem::message).toList();
                return pages.render(HttpStatus.UNPROCESSABLE_CONTENT, new PortalPage.Domains(context(progress,
                        sessionId, Optional.of(SetupStep.DOMAINS)), given, fieldError, formErrors));
            }
        });
    }

    @GetMapping("/setup/test")
    ResponseEntity<String> test(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withProvider(sessionId, (link, progress, choice, idp) -> pages.render(HttpStatus.OK,
                testPage(sessionId, progress, idp)));
    }

    @PostMapping("/setup/test")
    ResponseEntity<String> startTest(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                     @RequestParam(name = "_csrf", required = false) String csrf) {
        return withForm(sessionId, csrf, (link, progress) -> {
            if (progress.choice().isEmpty() || progress.provider().isEmpty()) {
                return seeOther(PORTAL);
            }
            URI url = URI.create(portal.startTest(link, progress.choice().get()));
            ResponseEntity<String> page = pages.render(HttpStatus.OK, new PortalPage.TestStarting(context(
                    portal.progress(link), sessionId, Optional.of(SetupStep.TEST)),
                    url.getRawPath() + "?" + url.getRawQuery()));
            // the test link carries its own secret: no Referer must take it on to the identity provider
            return withHeaders(page, REFERRER_POLICY, NO_REFERRER);
        });
    }

    @GetMapping("/setup/activate")
    ResponseEntity<String> activate(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId) {
        return withProvider(sessionId, (link, progress, choice, idp) -> pages.render(HttpStatus.OK,
                new PortalPage.Activate(context(progress, sessionId, Optional.of(SetupStep.ACTIVATE)),
                        progress.tested() || idp.lifecycle().wasActiveWithThisConfiguration(), idp.active(),
                        Optional.empty())));
    }

    @PostMapping("/setup/activate")
    ResponseEntity<String> turnOn(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                  @RequestParam(name = "_csrf", required = false) String csrf) {
        return withForm(sessionId, csrf, (link, progress) -> {
            if (progress.choice().isEmpty() || progress.provider().isEmpty()) {
                return seeOther(PORTAL);
            }
            try {
                portal.activate(link, progress.choice().get());
                return seeOther(PORTAL);
            } catch (ProblemException e) {
                return pages.render(HttpStatus.CONFLICT, new PortalPage.Activate(context(progress, sessionId,
                        Optional.of(SetupStep.ACTIVATE)), false, false, Optional.of(Text.of("setup.activate.refused"))));
            }
        });
    }

    /** Ends the portal session on this browser (the link itself stays valid). */
    @PostMapping("/setup/sign-out")
    ResponseEntity<String> signOut(@CookieValue(name = PortalSessions.COOKIE, required = false) String sessionId,
                                   @RequestParam(name = "_csrf", required = false) String csrf) {
        return withForm(sessionId, csrf, (link, progress) -> {
            sessions.close(sessionId);
            ResponseEntity<String> page = pages.render(HttpStatus.OK, MessagePage.of(Text.of("setup.signedout.title"),
                    Text.of("setup.signedout.text")).forOrg(link.org()).once());
            return withHeaders(page, HttpHeaders.SET_COOKIE, sessions.clearedCookie().toString());
        });
    }

    // ---- the session, the form token and the steps

    @FunctionalInterface
    private interface WithLink {
        ResponseEntity<String> answer(SetupLink link, Progress progress);
    }

    @FunctionalInterface
    private interface WithChoice {
        ResponseEntity<String> answer(SetupLink link, Progress progress, PortalChoice choice);
    }

    @FunctionalInterface
    private interface WithProvider {
        ResponseEntity<String> answer(SetupLink link, Progress progress, PortalChoice choice, IdentityProvider idp);
    }

    private ResponseEntity<String> withSession(String sessionId, WithLink then) {
        return switch (sessions.resolve(sessionId, clock.instant())) {
            case SetupLinkResolution.Refused refused -> ended(refused.reason());
            case SetupLinkResolution.Valid valid -> then.answer(valid.link(), portal.progress(valid.link()));
        };
    }

    private ResponseEntity<String> withChoice(String sessionId, WithChoice then) {
        return withSession(sessionId, (link, progress) -> progress.choice()
                .map(choice -> then.answer(link, progress, choice))
                .orElseGet(() -> seeOther(SetupStep.PRODUCT.path())));
    }

    private ResponseEntity<String> withProvider(String sessionId, WithProvider then) {
        return withChoice(sessionId, (link, progress, choice) -> progress.provider()
                .map(idp -> then.answer(link, progress, choice, idp))
                .orElseGet(() -> seeOther(SetupStep.CONNECT.path())));
    }

    /** A form's post: the session, then its CSRF token, then the change. */
    private ResponseEntity<String> withForm(String sessionId, String csrf, WithLink then) {
        return withSession(sessionId, (link, progress) -> {
            if (!validToken(sessionId, csrf)) {
                return pages.render(HttpStatus.FORBIDDEN, MessagePage.of(Text.of("setup.csrf.title"),
                        Text.of("setup.csrf.text")).forOrg(link.org()).once());
            }
            return then.answer(link, progress);
        });
    }

    /**
     * The form token of a session: derived from the session's secret id (which only the HttpOnly cookie
     * carries), so a page of another site can neither read nor guess it.
     */
    static String csrfToken(String sessionId) {
        return Sha256.hex("gatehouse-setup-form:" + sessionId);
    }

    private static boolean validToken(String sessionId, String presented) {
        if (presented == null || sessionId == null) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken(sessionId).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private ResponseEntity<String> ended(SetupLinkRefusal reason) {
        String key = switch (reason) {
            case EXPIRED -> "expired";
            case REVOKED -> "revoked";
            case UNKNOWN, OTHER_ORG, OTHER_ALIAS -> "unknown";
        };
        HttpStatus status = reason == SetupLinkRefusal.UNKNOWN ? HttpStatus.UNAUTHORIZED : HttpStatus.GONE;
        return pages.render(status, MessagePage.of(Text.of("setup.ended.title"), Text.of("setup.ended." + key),
                Text.of("setup.ended.ask")).once());
    }

    private Context context(Progress progress, String sessionId, Optional<SetupStep> current) {
        List<StepLink> steps = Arrays.stream(SetupStep.values()).map(s -> new StepLink(s,
                reachable(s, progress) ? Optional.of(s.path()) : Optional.empty(), done(s, progress),
                current.filter(s::equals).isPresent())).toList();
        return new Context(progress.link().org(), progress.org().name(), csrfToken(sessionId), steps);
    }

    private static boolean reachable(SetupStep step, Progress progress) {
        return switch (step) {
            case PRODUCT -> true;
            case INSTRUCTIONS, CONNECT -> progress.choice().isPresent();
            case DOMAINS, TEST, ACTIVATE -> progress.provider().isPresent();
        };
    }

    private static boolean done(SetupStep step, Progress progress) {
        return switch (step) {
            case PRODUCT -> progress.choice().isPresent();
            case INSTRUCTIONS, CONNECT -> progress.provider().isPresent();
            case DOMAINS -> progress.provider().filter(p -> !p.domains().isEmpty()).isPresent();
            case TEST -> progress.tested() || progress.active();
            case ACTIVATE -> progress.active();
        };
    }

    // ---- pages

    private ResponseEntity<String> productPage(String sessionId, Progress progress, Optional<Text> error,
                                               HttpStatus status) {
        Optional<SetupProduct> current = progress.choice().map(PortalChoice::product);
        List<Option> options = Arrays.stream(SetupProduct.values()).filter(p -> offered(p, progress))
                .map(p -> new Option(p.wireName(), p.title(), Optional.empty(), current.filter(p::equals).isPresent()))
                .toList();
        return pages.render(status, new PortalPage.ProductChoice(context(progress, sessionId,
                Optional.of(SetupStep.PRODUCT)), options, error));
    }

    /** Once the provider exists its protocol stays: only the products that speak it are offered. */
    private static boolean offered(SetupProduct product, Progress progress) {
        return progress.provider().map(idp -> product.supports(idp.protocol())).orElse(true);
    }

    private ResponseEntity<String> connectPage(String sessionId, Progress progress, PortalChoice choice,
                                               Map<String, String> values, List<FieldProblem> problems,
                                               HttpStatus status) {
        Map<String, Text> errors = new LinkedHashMap<>();
        List<Text> formErrors = new ArrayList<>();
        for (FieldProblem p : problems) {
            if (p.field().isEmpty() || !values.containsKey(p.field()) && !isFileOrSecret(p.field())) {
                formErrors.add(p.message());
            } else {
                errors.putIfAbsent(p.field(), p.message());
            }
        }
        boolean secretStored = progress.provider().isPresent() && choice.protocol() == Protocol.OIDC;
        return pages.render(status, new PortalPage.Connect(context(progress, sessionId, Optional.of(SetupStep.CONNECT)),
                choice.product().title(), choice.protocol(), SetupGuide.of(choice.product(), choice.protocol()).idpSide(),
                values, errors, formErrors, secretStored));
    }

    private static boolean isFileOrSecret(String field) {
        return field.equals("metadata_file") || field.equals("client_secret");
    }

    private static void samlSource(ObjectNode body, String metadataUrl, MultipartFile file, boolean exists,
                                   List<FieldProblem> problems) {
        boolean hasFile = file != null && !file.isEmpty();
        if (hasFile && !metadataUrl.isEmpty()) {
            problems.add(new FieldProblem("metadata_file", Text.of("setup.connect.one_source")));
            return;
        }
        if (hasFile) {
            if (file.getSize() > MAX_METADATA_BYTES) {
                problems.add(new FieldProblem("metadata_file", Text.of("setup.connect.file_too_large")));
                return;
            }
            try {
                Optional<String> xml = metadataText(file.getBytes());
                if (xml.isEmpty()) {
                    problems.add(new FieldProblem("metadata_file", Text.of("setup.connect.file_encoding")));
                    return;
                }
                body.putObject("saml").put("metadata_xml", xml.get());
            } catch (IOException e) {
                problems.add(new FieldProblem("metadata_file", Text.of("setup.connect.file_unreadable")));
            }
        } else if (!metadataUrl.isEmpty()) {
            body.putObject("saml").put("metadata_url", metadataUrl);
        } else if (!exists) {
            problems.add(new FieldProblem("metadata_file", Text.of("setup.connect.source_required")));
        }
    }

    /**
     * A metadata file's text, in the encoding its byte order mark or XML declaration names (UTF-8 without
     * either, as XML says), or empty when its bytes are not in that encoding: decoded loosely, an
     * ISO-8859-1 file's entity ID would be stored with replacement characters and never match the IdP's.
     */
    static Optional<String> metadataText(byte[] bytes) {
        Charset charset = StandardCharsets.UTF_8;
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        } else if (bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            charset = StandardCharsets.UTF_16;
        } else {
            Matcher declared = XML_ENCODING.matcher(new String(bytes, 0, Math.min(bytes.length, 200),
                    StandardCharsets.ISO_8859_1));
            if (declared.lookingAt()) {
                try {
                    if (Charset.isSupported(declared.group(1))) {
                        charset = Charset.forName(declared.group(1));
                    }
                } catch (IllegalArgumentException e) {
                    // a name no charset has: read as UTF-8, and the parser says what is wrong
                }
            }
        }
        try {
            return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> currentValues(IdentityProvider idp) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("display_name", idp.displayName());
        ObjectNode view = io.gatehouse.idp.IdentityProviderJson.requestView(idp);
        if (idp.protocol() == Protocol.SAML) {
            values.put("metadata_url", view.path("saml").path("metadata_url").asString(""));
        } else {
            values.put("issuer", view.path("oidc").path("issuer").asString(""));
            values.put("client_id", view.path("oidc").path("client_id").asString(""));
        }
        return values;
    }

    private PortalPage.Test testPage(String sessionId, Progress progress, IdentityProvider idp) {
        Context context = context(progress, sessionId, Optional.of(SetupStep.TEST));
        Optional<TestSignIn> last = progress.lastTest();
        if (last.isEmpty()) {
            return new PortalPage.Test(context, Optional.empty(), Optional.empty(), false, Optional.empty(), List.of(),
                    List.of());
        }
        TestSignIn test = last.get();
        TestSignIn.Result result = test.resultAt(clock.instant());
        boolean current = test.configurationRevision() == idp.lifecycle().revision();
        return switch (result) {
            case TestSignIn.Result.Pending p -> new PortalPage.Test(context, Optional.of("pending"), Optional.empty(),
                    current, Optional.empty(), List.of(), List.of());
            case TestSignIn.Result.Succeeded s -> new PortalPage.Test(context, Optional.of("succeeded"),
                    Optional.of(s.finishedAt()), current, Optional.empty(), warnings(s.warnings()),
                    TestSignInPage.interpreted(s.observed()));
            case TestSignIn.Result.Failed f -> new PortalPage.Test(context, Optional.of(f.status().wireName()),
                    Optional.of(f.finishedAt()), current, Optional.of(new PortalPage.TestFailure(f.failure().code(),
                    f.failure().title(), f.failure().hint(), f.failure().detail())), warnings(f.warnings()),
                    f.observed().map(TestSignInPage::interpreted).orElse(List.of()));
        };
    }

    private static List<TestSignInResultPage.Warning> warnings(List<TestSignIn.Warning> warnings) {
        return warnings.stream().map(w -> new TestSignInResultPage.Warning(w.code(), w.text())).toList();
    }

    private PortalPage.Connection connection(IdentityProvider idp, Progress progress) {
        Instant now = clock.instant();
        List<PortalPage.Certificate> certificates = IdentityProviderView.certificates(idp).stream()
                .map(c -> new PortalPage.Certificate(c.subject(), c.notAfter(), c.notAfter().isBefore(now),
                        c.notAfter().isBefore(now.plus(EXPIRY_WARNING))))
                .toList();
        Text product = progress.choice().map(c -> c.product().title())
                .or(() -> idp.knownProvider().flatMap(SetupProduct::of).map(SetupProduct::title))
                .orElse(Text.of("setup.protocol." + idp.protocol().wireName()));
        return new PortalPage.Connection(idp.displayName(), idp.status().wireName(), product, idp.protocol(),
                certificates, idp.domains().stream().map(d -> d.value()).toList(),
                progress.proven().flatMap(t -> t.lastSucceeded()).map(s -> s.at()),
                progress.proven().filter(t -> t.outdated()).isPresent());
    }

    private static String englishName(SetupProduct product) {
        return switch (product) {
            case OKTA -> "Okta";
            case ENTRA_ID -> "Microsoft Entra ID";
            case GOOGLE_WORKSPACE -> "Google Workspace";
            case ADFS -> "AD FS";
            case ONELOGIN -> "OneLogin";
            case JUMPCLOUD -> "JumpCloud";
            case PING_IDENTITY -> "Ping Identity";
            case KEYCLOAK -> "Keycloak";
            case GENERIC_SAML, GENERIC_OIDC -> "Single sign-on";
        };
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }

    private static ResponseEntity<String> seeOther(String path) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(path)).build();
    }

    /** The rendered page with more headers: {@code name, value, name, value...}. */
    private static ResponseEntity<String> withHeaders(ResponseEntity<String> page, String... namesAndValues) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders());
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            answer.header(namesAndValues[i], namesAndValues[i + 1]);
        }
        return answer.body(page.getBody());
    }
}
