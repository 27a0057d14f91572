package io.gatehouse.provisioning;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class ProvisioningOnPostgresTest extends ProvisioningTests {
}
