package io.gatehouse.issuer;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class CrossTenantEmailOnPostgresTest extends CrossTenantEmailTests {
}
