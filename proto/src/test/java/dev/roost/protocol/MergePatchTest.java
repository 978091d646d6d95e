package dev.roost.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MergePatchTest {
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode obj(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }

    @Test
    void apply_followsRfc7386() throws Exception {
        ObjectNode target = obj("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"},\"l\":[1,2]}");
        ObjectNode patch = obj("{\"a\":\"z\",\"c\":{\"f\":null},\"l\":[3],\"n\":{\"x\":1}}");
        assertThat(MergePatch.apply(target, patch))
                .isEqualTo(obj("{\"a\":\"z\",\"c\":{\"d\":\"e\"},\"l\":[3],\"n\":{\"x\":1}}"));
        assertThat(target).isEqualTo(obj("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"},\"l\":[1,2]}"));
    }

    @Test
    void diff_thenApply_reproducesTheTarget() throws Exception {
        ObjectNode from = obj("{\"cpu\":{\"usage_pct\":10,\"load_1\":0.5},\"uptime_s\":10,\"gone\":true,\"disks\":[1]}");
        ObjectNode to = obj("{\"cpu\":{\"usage_pct\":42,\"load_1\":0.5},\"uptime_s\":70,\"disks\":[1,2],\"new\":\"x\"}");
        ObjectNode patch = MergePatch.diff(from, to);
        assertThat(patch).isEqualTo(obj("{\"gone\":null,\"cpu\":{\"usage_pct\":42},\"uptime_s\":70,"
                + "\"disks\":[1,2],\"new\":\"x\"}"));
        assertThat(MergePatch.apply(from, patch)).isEqualTo(to);
        assertThat(MergePatch.diff(to, to)).isEmpty();
    }
}
