package io.gatehouse.portal;

import io.gatehouse.pages.Text;
import java.util.Locale;

/** The setup portal's steps, in order, each at its own page under {@code /setup/}. */
public enum SetupStep {
    PRODUCT("product"),
    INSTRUCTIONS("instructions"),
    CONNECT("connect"),
    DOMAINS("domains"),
    TEST("test"),
    ACTIVATE("activate");

    private final String page;

    SetupStep(String page) {
        this.page = page;
    }

    /** The step's page. */
    public String path() {
        return SetupLinks.PORTAL_PATH + page;
    }

    public Text title() {
        return Text.of("setup.step." + name().toLowerCase(Locale.ROOT));
    }
}
