package io.gatehouse.portal;

import io.gatehouse.testkit.OnH2;

@OnH2
class SetupLinkOnH2Test extends SetupLinkTests {
}
