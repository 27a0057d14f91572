-- Sign-ins in flight: started at an identity provider, finished once by its answer, from any node.
create table signin_attempts (
    id             varchar(64)  primary key,
    org_id         varchar(63)  not null references orgs (id) on delete cascade,
    idp_id         varchar(36)  not null references identity_providers (id) on delete cascade,
    protocol       varchar(8)   not null,
    request_id     varchar(128) not null unique,
    nonce          varchar(128),
    code_verifier  text,
    app_context    text,
    created_at     timestamp with time zone not null,
    expires_at     timestamp with time zone not null,
    used_at        timestamp with time zone
);
create index signin_attempts_expiry on signin_attempts (expires_at);

-- Assertion IDs already accepted, kept until the assertion expires: a replay is refused on every node.
create table seen_assertions (
    idp_id        varchar(36)  not null,
    assertion_id  varchar(256) not null,
    expires_at    timestamp with time zone not null,
    primary key (idp_id, assertion_id)
);
create index seen_assertions_expiry on seen_assertions (expires_at);
