package io.gatehouse.audit;

/** The two kinds of events: who changed what, and who signed in (or failed to). */
public enum EventCategory {
    CONFIGURATION("configuration"),
    SIGN_IN("sign_in");

    private final String wireName;

    EventCategory(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static EventCategory fromWireName(String name) {
        for (EventCategory c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown event category");
    }
}
