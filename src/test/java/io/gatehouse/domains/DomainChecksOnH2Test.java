package io.gatehouse.domains;

import io.gatehouse.testkit.OnH2;

@OnH2
class DomainChecksOnH2Test extends DomainChecksTests {
}
