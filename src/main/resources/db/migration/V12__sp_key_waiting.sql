-- SAML providers created while the key pool was dry, for the background provisioner. Finding them
-- by an anti-join over every SAML provider read the whole registry every few seconds, which under a
-- registry of tens of thousands of providers was a burst of I/O and garbage that requests paid for.
create table sp_key_waiting (
    idp_id  varchar(36) primary key references identity_providers (id) on delete cascade,
    since   timestamp with time zone not null
);
create index sp_key_waiting_since on sp_key_waiting (since);

insert into sp_key_waiting (idp_id, since)
    select i.id, i.created_at from identity_providers i
    where i.protocol = 'saml'
      and not exists (select 1 from sp_keys k where k.idp_id = i.id and k.status = 'active');
