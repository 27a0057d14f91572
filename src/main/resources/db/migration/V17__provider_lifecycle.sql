-- Provider lifecycle: draft -> active <-> inactive. The status replaces the enabled flag (which the API
-- still shows: enabled is "status is active"); providers that existed before keep working: enabled ones
-- become active, disabled ones inactive.
alter table identity_providers add column status varchar(10) default 'active' not null;
update identity_providers set status = 'inactive' where enabled = false;
alter table identity_providers drop column enabled;
create index identity_providers_status on identity_providers (org_id, status);

-- Which configuration a provider is on (counted from 1, moved by every configuration change), when it was
-- made, and the last one it was active with: those existing were all trusted as they are.
alter table identity_providers add column configuration_revision bigint default 1 not null;
alter table identity_providers add column configured_at timestamp with time zone;
update identity_providers set configured_at = updated_at;
alter table identity_providers alter column configured_at set not null;
alter table identity_providers add column active_revision bigint;
update identity_providers set active_revision = configuration_revision;

-- The latest successful test sign-in and the configuration it tested (not part of the provider's version:
-- a test changes nothing in it).
alter table identity_providers add column tested_revision bigint;
alter table identity_providers add column last_test_succeeded_at timestamp with time zone;

-- Test sign-ins: started by an admin, opened in a browser through a secret link (only its hash is kept),
-- finished by the IdP's answer, which is recorded here instead of signing anyone in.
create table test_sign_ins (
    id                      varchar(40)  primary key,
    org_id                  varchar(63)  not null references orgs (id) on delete cascade,
    idp_id                  varchar(36)  not null references identity_providers (id) on delete cascade,
    link_hash               varchar(64)  not null unique,
    configuration_revision  bigint       not null,
    actor                   varchar(200) not null,
    status                  varchar(10)  not null,
    reason                  varchar(64),
    result                  text,
    created_at              timestamp with time zone not null,
    expires_at              timestamp with time zone not null,
    finished_at             timestamp with time zone
);
create index test_sign_ins_idp on test_sign_ins (idp_id, created_at);

-- A sign-in started by a test sign-in ends by recording its result, never at an application.
alter table signin_attempts add column test_sign_in_id varchar(40);
