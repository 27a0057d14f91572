package io.gatehouse.demo;

import java.util.List;

/** A user of a demo identity provider: the login forms list them, the password is shown on the page. */
record DemoUser(String username, String givenName, String familyName, List<String> groups) {
    static final String PASSWORD = "demo";
    static final List<DemoUser> ALL = List.of(
            new DemoUser("alice", "Alice", "Liddell", List.of("Engineering", "Admins")),
            new DemoUser("bob", "Bob", "Builder", List.of("Sales")));

    String email(String domain) {
        return username + "@" + domain;
    }

    static java.util.Optional<DemoUser> authenticate(String username, String password) {
        return ALL.stream().filter(u -> u.username().equals(username) && PASSWORD.equals(password)).findFirst();
    }
}
