package io.gatehouse.platform;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class OrgBrandingOnPostgresTest extends OrgBrandingTests {
}
