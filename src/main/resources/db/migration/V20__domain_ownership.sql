-- Domain ownership (issue 15): a domain's claim is pending until a DNS TXT record proves it, and only one
-- org at a time holds a domain verified. Several orgs may hold pending claims on one domain at once, so the
-- primary key becomes (domain, org_id): one org never lists a domain twice. The table is made anew (the
-- old primary key has no portable name to drop on H2 and PostgreSQL alike) and the rows copied.
create table idp_domains_owned (
    domain              varchar(253) not null,
    org_id              varchar(63)  not null,
    idp_id              varchar(36)  not null references identity_providers (id) on delete cascade,
    status              varchar(10)  not null,
    method              varchar(10),
    claimed_at          timestamp with time zone not null,
    verified_at         timestamp with time zone,
    include_subdomains  boolean      default false not null,
    -- the domain while the claim is verified, else null: its unique index admits one verified claim per
    -- domain across all orgs, even under concurrent verifications (nulls are distinct on H2 and PostgreSQL,
    -- which partial indexes would need, and H2 has none)
    verified_domain     varchar(253),
    last_checked_at     timestamp with time zone,
    next_check_at       timestamp with time zone,
    check_attempts      integer      default 0 not null,
    missing_since       timestamp with time zone,
    last_result         varchar(500),
    primary key (domain, org_id),
    constraint idp_domains_verified_state check ((status = 'verified' and verified_domain is not null and verified_domain = domain)
        or (status = 'pending' and verified_domain is null))
);

-- the domains that were routing sign-ins before ownership checks existed keep doing so: verified, "migrated"
insert into idp_domains_owned (domain, org_id, idp_id, status, method, claimed_at, verified_at, verified_domain)
select domain, org_id, idp_id, 'verified', 'migrated', current_timestamp, current_timestamp, domain
from idp_domains;

drop table idp_domains;
alter table idp_domains_owned rename to idp_domains;
create unique index idp_domains_verified on idp_domains (verified_domain);
create index idp_domains_idp on idp_domains (idp_id);
create index idp_domains_org on idp_domains (org_id);
create index idp_domains_check on idp_domains (next_check_at);

-- The token of an org's TXT record for a domain (128 random bits): one per org and domain, kept when the
-- domain moves between the org's providers or leaves them, so a record once published keeps proving it.
create table domain_tokens (
    org_id      varchar(63)  not null references orgs (id) on delete cascade,
    domain      varchar(253) not null,
    token       varchar(64)  not null,
    created_at  timestamp with time zone not null,
    primary key (org_id, domain)
);
