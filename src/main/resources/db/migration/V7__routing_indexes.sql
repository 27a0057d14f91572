-- The routing table notices changes by the latest save and reloads just the orgs whose providers
-- changed: found by time (saved, created), then by org.
create index identity_providers_updated on identity_providers (updated_at);
create index identity_providers_created on identity_providers (created_at);
create index idp_domains_org on idp_domains (org_id);
