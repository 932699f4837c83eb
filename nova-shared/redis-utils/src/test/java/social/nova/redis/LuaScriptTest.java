package social.nova.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LuaScriptTest {

    @Test
    void digestIsTheOneRedisComputesForScriptLoad() {
        // The value Redis's own documentation shows for SCRIPT LOAD "return 'hello moto'".
        assertThat(new LuaScript("return 'hello moto'").sha1()).isEqualTo("232fd51614574cf0867b83d384a5e898cfd24e5a");
    }
}
