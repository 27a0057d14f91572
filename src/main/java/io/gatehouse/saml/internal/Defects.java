package io.gatehouse.saml.internal;

import io.gatehouse.api.TraceIds;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a defect in a validator ends: logged with the request's trace id, answered with a refusal of its own. */
public final class Defects {
    private static final Logger LOG = LoggerFactory.getLogger(Defects.class);
    /** Enough frames to find the failing check; the whole stack goes to the debug log. */
    private static final int FRAMES = 6;

    private Defects() {
    }

    /**
     * The validation's result, or {@code refusal} when it failed with an exception: every known
     * failure is a refusal already, so an exception is a bug in Gatehouse, never the IdP's fault,
     * and is logged as one (type and frames only: messages may quote the message being checked).
     */
    public static <T> T contained(String what, Supplier<T> validation, Supplier<T> refusal) {
        try {
            return validation.get();
        } catch (RuntimeException e) {
            String frames = Arrays.stream(e.getStackTrace()).limit(FRAMES).map(StackTraceElement::toString)
                    .collect(Collectors.joining(" < "));
            LOG.error("Unexpected {} while validating a {} (trace {}) at {}", e.getClass().getName(), what,
                    TraceIds.current(), frames);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Stack of trace " + TraceIds.current(), e);
            }
            return refusal.get();
        }
    }
}
