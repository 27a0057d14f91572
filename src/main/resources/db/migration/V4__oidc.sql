-- Gatehouse's own key pair per OpenID provider, for private_key_jwt client authentication: the
-- public half is served at /sso/{org}/{alias}/oidc/jwks, the private half is sealed (SecretBox).
create table oidc_client_keys (
    id              varchar(36)  primary key,
    idp_id          varchar(36)  not null references identity_providers (id) on delete cascade,
    kid             varchar(64)  not null,
    status          varchar(10)  not null,
    public_jwk      text         not null,
    private_key_id  varchar(32)  not null,
    private_key     text         not null,
    created_at      timestamp with time zone not null
);
create index oidc_client_keys_idp on oidc_client_keys (idp_id);
