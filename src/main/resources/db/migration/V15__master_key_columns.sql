-- The master-key rotation looks, after every start and then hourly, for what is not sealed with the
-- first key of GATEHOUSE_MASTER_KEY, and GET /api/platform/encryption counts records by key: indexes
-- on the key-id columns keep both from reading every provider and key row each time.
create index identity_providers_secrets_key on identity_providers (secrets_key_id);
create index sp_keys_master_key on sp_keys (private_key_id);
create index oidc_client_keys_master_key on oidc_client_keys (private_key_id);
