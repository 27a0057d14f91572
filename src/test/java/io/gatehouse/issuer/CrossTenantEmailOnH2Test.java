package io.gatehouse.issuer;

import io.gatehouse.testkit.OnH2;

@OnH2
class CrossTenantEmailOnH2Test extends CrossTenantEmailTests {
}
