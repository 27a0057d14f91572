package io.gatehouse.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Orgs' branding: read by every page of an org (so kept per node for a short while: a change shows
 * on this node at once and on the others within {@link #KEPT}), written by the org API.
 */
@Service
public class Brandings {
    /** How long another node may still show an org's previous branding. */
    public static final Duration KEPT = Duration.ofSeconds(30);
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Cache<OrgId, Optional<Branding>> brandings = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(10_000).expireAfterWrite(KEPT).build();
    /** Logos are served to anyone: at most 16 MiB of them kept, so a flood of requests reads no database. */
    private final Cache<OrgId, Optional<Logo>> logos = Caffeine.newBuilder().executor(Runnable::run)
            .maximumWeight(16L * 1024 * 1024)
            .<OrgId, Optional<Logo>>weigher((org, logo) -> 64 + logo.map(Logo::size).orElse(0))
            .expireAfterWrite(KEPT).build();

    Brandings(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The org's branding; empty when there is no such org. */
    public Optional<Branding> find(OrgId org) {
        return brandings.get(org, this::load);
    }

    /** The org's logo with its bytes; empty when it has none (or there is no such org). */
    public Optional<Logo> logo(OrgId org) {
        return logos.get(org, id -> jdbc.sql("select logo_type, logo, logo_sha256 from org_branding where org_id = ?"
                        + " and logo is not null").param(id.value())
                .query((rs, n) -> new Logo(Logo.Type.valueOf(rs.getString(1)), rs.getBytes(2), rs.getString(3)))
                .optional());
    }

    /** Sets or clears the accent colour (in the caller's transaction, with the org's row locked). */
    public void setAccent(OrgId org, Optional<AccentColor> accent) {
        String hex = accent.map(AccentColor::hex).orElse(null);
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("update org_branding set accent_color = ?, updated_at = ? where org_id = ?")
                .params(hex, now, org.value()).update();
        if (updated == 0) {
            jdbc.sql("insert into org_branding (org_id, accent_color, updated_at) values (?, ?, ?)")
                    .params(org.value(), hex, now).update();
        }
        forget(org);
    }

    /** Stores the logo (in the caller's transaction, with the org's row locked). */
    public void setLogo(OrgId org, Logo logo) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("update org_branding set logo = ?, logo_type = ?, logo_sha256 = ?, updated_at = ?"
                        + " where org_id = ?")
                .params(logo.bytes(), logo.type().name(), logo.sha256(), now, org.value()).update();
        if (updated == 0) {
            jdbc.sql("insert into org_branding (org_id, logo, logo_type, logo_sha256, updated_at) values (?, ?, ?, ?, ?)")
                    .params(org.value(), logo.bytes(), logo.type().name(), logo.sha256(), now).update();
        }
        forget(org);
    }

    /** Removes the logo; false when there was none. */
    public boolean deleteLogo(OrgId org) {
        boolean had = jdbc.sql("update org_branding set logo = null, logo_type = null, logo_sha256 = null, updated_at = ?"
                        + " where org_id = ? and logo is not null")
                .params(Timestamp.from(clock.instant()), org.value()).update() > 0;
        forget(org);
        return had;
    }

    /** Drops what this node keeps of the org (its branding changed, or it was deleted). */
    public void forget(OrgId org) {
        brandings.invalidate(org);
        logos.invalidate(org);
    }

    private Optional<Branding> load(OrgId org) {
        return jdbc.sql("select o.name, b.accent_color, b.logo_type, b.logo_sha256, octet_length(b.logo)"
                        + " from orgs o left join org_branding b on b.org_id = o.id where o.id = ?")
                .param(org.value()).query((rs, n) -> row(org, rs)).optional();
    }

    private static Branding row(OrgId org, ResultSet rs) throws SQLException {
        String type = rs.getString(3);
        Optional<Branding.LogoRef> logo = type == null ? Optional.empty()
                : Optional.of(new Branding.LogoRef(Logo.Type.valueOf(type), rs.getString(4), rs.getInt(5)));
        return new Branding(org, rs.getString(1), AccentColor.parse(rs.getString(2)), logo);
    }
}
