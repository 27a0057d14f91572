package io.gatehouse.compat;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class CompatibilityOnPostgresTest extends CompatibilityTests {
}
