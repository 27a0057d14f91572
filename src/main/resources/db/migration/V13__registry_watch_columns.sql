-- What the background watches need, kept as indexed columns: which SAML providers read their
-- metadata from a URL (the refresh ran a LIKE over every provider's configuration every minute) and
-- from when a provider's certificates need watching (the hourly expiry watch decoded every SAML
-- provider). With tens of thousands of providers those scans were bursts of seconds of CPU.
alter table identity_providers add column metadata_url boolean default false not null;
alter table identity_providers add column certificate_watch_from timestamp with time zone;

update identity_providers set metadata_url = true
    where protocol = 'saml' and config like '%"metadata_url"%';
-- the stored certificates can't be read here: the first watch looks at every SAML provider once and
-- sets the real value
update identity_providers set certificate_watch_from = timestamp with time zone '1970-01-01 00:00:00+00'
    where protocol = 'saml';

create index identity_providers_metadata_url on identity_providers (metadata_url);
create index identity_providers_certificate_watch on identity_providers (certificate_watch_from);
