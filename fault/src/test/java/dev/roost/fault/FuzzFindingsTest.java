package dev.roost.fault;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FuzzFindingsTest {
    @Test
    void excerpt_isOneBoundedPrintableLineThatNotesTheFullLength() {
        String excerpt = FuzzFindings.excerpt("GET /x\r\n\0" + "y".repeat(1_000), 20);

        assertThat(excerpt).isEqualTo("GET /x\\r\\n\\u0000yyyy...(1009 chars)");
    }

    @Test
    void findings_areAllCounted_butOnlyTheFirstOnesKept() {
        FuzzFindings findings = new FuzzFindings();
        for (int i = 0; i < FuzzFindings.KEPT + 5; i++) {
            findings.add(FuzzFindings.Kind.REST_5XX, "GET /" + i, "500");
        }
        findings.add(FuzzFindings.Kind.GRPC_INTERNAL_OR_UNKNOWN, "gRPC x", "INTERNAL");

        assertThat(findings.count(FuzzFindings.Kind.REST_5XX)).isEqualTo(FuzzFindings.KEPT + 5);
        assertThat(findings.total()).isEqualTo(FuzzFindings.KEPT + 6);
        assertThat(findings.kept()).hasSize(FuzzFindings.KEPT);
        assertThat(findings.kept().getFirst().line()).isEqualTo("rest_5xx: GET /0 -> 500");
    }
}
