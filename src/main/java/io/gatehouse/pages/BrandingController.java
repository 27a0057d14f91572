package io.gatehouse.pages;

import io.gatehouse.tenancy.AccentColor;
import io.gatehouse.tenancy.Branding;
import io.gatehouse.tenancy.Brandings;
import io.gatehouse.tenancy.Logo;
import io.gatehouse.tenancy.OrgId;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An org's branding as its pages load it, public like the pages: {@code /branding/{org}/logo} (the
 * uploaded PNG or JPEG, never sniffed as anything else, sandboxed should it be opened on its own) and
 * {@code /branding/{org}/style.css} (the accent colour as CSS custom properties; the colour is
 * {@code #rrggbb} by construction, so nothing else can reach the stylesheet). The pages link both with
 * {@code ?v=} naming the current version, which may be cached for long; any other is cached briefly.
 */
@RestController
class BrandingController {
    private static final CacheControl VERSIONED = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
    private static final CacheControl UNVERSIONED = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();
    private final Brandings brandings;

    BrandingController(Brandings brandings) {
        this.brandings = brandings;
    }

    @GetMapping("/branding/{org}/logo")
    ResponseEntity<byte[]> logo(@PathVariable String org, @RequestParam(required = false) String v,
                                @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        Optional<Logo> logo = OrgId.parse(org).flatMap(brandings::logo);
        if (logo.isEmpty()) {
            return notFound();
        }
        String etag = "\"" + logo.get().sha256() + "\"";
        boolean current = v != null && v.length() >= 16 && logo.get().sha256().startsWith(v);
        CacheControl cache = current ? VERSIONED : UNVERSIONED;
        if (etag.equals(ifNoneMatch)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(cache).build();
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(logo.get().type().mediaType()))
                .cacheControl(cache).eTag(etag)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header("Cross-Origin-Resource-Policy", "same-origin")
                .body(logo.get().bytes());
    }

    @GetMapping("/branding/{org}/style.css")
    ResponseEntity<byte[]> stylesheet(@PathVariable String org, @RequestParam(required = false) String v) {
        Optional<AccentColor> accent = OrgId.parse(org).flatMap(brandings::find).flatMap(Branding::accent);
        if (accent.isEmpty()) {
            return notFound();
        }
        String css = ":root{--accent:" + accent.get().hex() + ";--accent-text:" + accent.get().textColor() + "}\n";
        return ResponseEntity.ok().contentType(new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(accent.get().hex().substring(1).equals(v) ? VERSIONED : UNVERSIONED)
                .header("X-Content-Type-Options", "nosniff")
                .body(css.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static <T> ResponseEntity<T> notFound() {
        // the same for an unknown org and an org without branding
        return ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore()).build();
    }
}
