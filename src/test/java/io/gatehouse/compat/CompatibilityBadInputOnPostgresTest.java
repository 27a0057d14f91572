package io.gatehouse.compat;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class CompatibilityBadInputOnPostgresTest extends CompatibilityBadInputTests {
}
