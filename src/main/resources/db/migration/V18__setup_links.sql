-- Setup links: an org's (optionally one provider's) bearer credential for the customer's IT admin, kept as
-- the SHA-256 of its high-entropy secret only; revoked links stay (so a use of one is told "revoked").
create table setup_links (
    id             varchar(40)  primary key,
    org_id         varchar(63)  not null references orgs (id) on delete cascade,
    alias          varchar(63),
    email          varchar(320),
    secret_hash    varchar(64)  not null unique,
    created_by     varchar(200) not null,
    created_at     timestamp with time zone not null,
    expires_at     timestamp with time zone not null,
    revoked_at     timestamp with time zone,
    first_used_at  timestamp with time zone
);
create index setup_links_org on setup_links (org_id, created_at);

-- The portal's sessions: a setup link's secret is exchanged for one on first use (cookie value hashed here);
-- a session ends with its link's expiry or revocation.
create table setup_sessions (
    id_hash     varchar(64)  primary key,
    link_id     varchar(40)  not null references setup_links (id) on delete cascade,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null
);
create index setup_sessions_link on setup_sessions (link_id);
