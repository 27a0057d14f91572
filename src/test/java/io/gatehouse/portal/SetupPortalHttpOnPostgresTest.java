package io.gatehouse.portal;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class SetupPortalHttpOnPostgresTest extends SetupPortalHttpTests {
}
