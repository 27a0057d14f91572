package io.gatehouse.idp;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class ProviderLifecycleOnPostgresTest extends ProviderLifecycleTests {
}
