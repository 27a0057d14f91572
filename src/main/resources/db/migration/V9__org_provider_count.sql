-- How many identity providers each org has, kept by the registry in the transaction that adds or
-- removes one: the quota check is then one conditional update of the org's row (which also takes
-- the row lock that serializes creations per org), not a count that grows with the org.
alter table orgs add column identity_provider_count integer not null default 0;
update orgs set identity_provider_count = (select count(*) from identity_providers i where i.org_id = orgs.id);
