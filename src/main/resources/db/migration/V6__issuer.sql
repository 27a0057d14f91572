-- Applications that receive sign-in results through standard OpenID Connect.
create table applications (
    client_id     varchar(64)  primary key,
    name          varchar(100) not null,
    secret_hash   varchar(64),
    redirect_uris text         not null,
    allowed_orgs  text,
    id_token_alg  varchar(8)   not null,
    created_at    timestamp with time zone not null
);

-- Gatehouse's own token-signing keys (private halves sealed); retired keys stay published a while.
create table issuer_keys (
    kid            varchar(64) primary key,
    alg            varchar(8)  not null,
    status         varchar(10) not null,
    private_key_id varchar(32) not null,
    private_key    text        not null,
    public_jwk     text        not null,
    created_at     timestamp with time zone not null
);

-- One-time authorization codes, bound to client, redirect URI and PKCE challenge.
create table authorization_codes (
    code_hash        varchar(64)   primary key,
    client_id        varchar(64)   not null,
    redirect_uri     text          not null,
    code_challenge   varchar(128),
    nonce            varchar(512),
    scope            varchar(1024) not null,
    org_id           varchar(63)   not null,
    user_id          varchar(64)   not null,
    claims           text          not null,
    auth_time        timestamp with time zone not null,
    created_at       timestamp with time zone not null,
    expires_at       timestamp with time zone not null,
    used_at          timestamp with time zone
);
create index authorization_codes_expiry on authorization_codes (expires_at);

-- Access tokens for userinfo, stored hashed; a replayed code revokes what it issued.
create table access_tokens (
    token_hash  varchar(64)  primary key,
    code_hash   varchar(64)  not null,
    client_id   varchar(64)  not null,
    claims      text         not null,
    expires_at  timestamp with time zone not null,
    revoked     boolean      not null
);
create index access_tokens_code on access_tokens (code_hash);
create index access_tokens_expiry on access_tokens (expires_at);
