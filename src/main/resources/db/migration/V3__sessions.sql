-- A browser's sign-in at one identity provider, for single logout: who (as the IdP named them) and
-- which IdP session, so that a logout from either side ends the right sessions.
create table sso_sessions (
    id                 varchar(64)   primary key,
    org_id             varchar(63)   not null references orgs (id) on delete cascade,
    idp_id             varchar(36)   not null references identity_providers (id) on delete cascade,
    subject            varchar(1024) not null,
    name_id_format     varchar(256),
    session_index      varchar(256),
    logout_request_id  varchar(128),
    created_at         timestamp with time zone not null,
    expires_at         timestamp with time zone not null,
    ended_at           timestamp with time zone
);
create index sso_sessions_subject on sso_sessions (idp_id, subject);
create index sso_sessions_logout on sso_sessions (logout_request_id);
create index sso_sessions_expiry on sso_sessions (expires_at);
