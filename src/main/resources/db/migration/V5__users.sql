-- Users provisioned by sign-in: one per (org, identity provider, subject as that IdP names it).
-- Never keyed by email: two IdPs may assert the same address, and an address can be reassigned.
-- (group_names, not "groups": GROUPS is a reserved word in H2.)
create table users (
    id                 varchar(36)   primary key,
    org_id             varchar(63)   not null references orgs (id) on delete cascade,
    idp_id             varchar(36)   not null references identity_providers (id) on delete cascade,
    subject            varchar(1024) not null,
    email              varchar(320),
    email_verified     boolean       not null,
    given_name         varchar(1024),
    family_name        varchar(1024),
    name               varchar(1024),
    username           varchar(1024),
    group_names        text          not null,
    groups_overage     boolean       not null,
    role               varchar(1024),
    team               varchar(1024),
    custom_attributes  text          not null,
    created_at         timestamp with time zone not null,
    updated_at         timestamp with time zone not null,
    last_sign_in_at    timestamp with time zone not null,
    -- what makes a concurrent first sign-in on two nodes create one user, not two
    constraint users_subject unique (org_id, idp_id, subject)
);
create index users_org_id on users (org_id, id);
create index users_idp on users (idp_id);
