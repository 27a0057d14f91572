package io.gatehouse.portal;

import io.gatehouse.testkit.OnH2;

@OnH2
class SetupPortalHttpOnH2Test extends SetupPortalHttpTests {
}
