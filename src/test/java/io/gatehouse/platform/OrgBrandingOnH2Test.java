package io.gatehouse.platform;

import io.gatehouse.testkit.OnH2;

@OnH2
class OrgBrandingOnH2Test extends OrgBrandingTests {
}
