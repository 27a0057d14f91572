package io.gatehouse.platform;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class PlatformApiOnPostgresTest extends PlatformApiTests {
}
