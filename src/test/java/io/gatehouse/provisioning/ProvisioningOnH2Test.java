package io.gatehouse.provisioning;

import io.gatehouse.testkit.OnH2;

@OnH2
class ProvisioningOnH2Test extends ProvisioningTests {
}
