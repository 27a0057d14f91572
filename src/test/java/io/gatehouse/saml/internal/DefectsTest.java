package io.gatehouse.saml.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A defect inside a validator is answered with the refusal given, and logged with the trace id, never its message. */
@ExtendWith(OutputCaptureExtension.class)
class DefectsTest {

    @Test
    void aValidationThatThrowsIsLoggedWithTheTraceIdAndAnsweredWithTheRefusal(CapturedOutput output) {
        MDC.put("trace_id", "trace-0123456789abcdef");
        try {
            String answer = Defects.contained("SAML Response", () -> {
                // a bug in a check; its message quotes what it read, as NullPointerException's may
                throw new IllegalStateException("NameID was secret-subject@acme.example");
            }, () -> "refused");

            assertThat(answer).isEqualTo("refused");
            // the error line (the stack with its message goes to the debug log only, off in production)
            String line = output.getAll().lines().filter(l -> l.contains("Unexpected")).findFirst().orElseThrow();
            assertThat(line).contains("ERROR", "java.lang.IllegalStateException", "SAML Response",
                    "trace-0123456789abcdef", DefectsTest.class.getName()).doesNotContain("secret-subject");
        } finally {
            MDC.remove("trace_id");
        }
    }

    @Test
    void aValidationThatCompletesIsAnsweredAsItIs(CapturedOutput output) {
        assertThat(Defects.contained("SAML Response", () -> "accepted", () -> "refused")).isEqualTo("accepted");
        assertThat(output.getAll()).doesNotContain("Unexpected");
    }
}
