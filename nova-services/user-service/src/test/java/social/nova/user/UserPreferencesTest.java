package social.nova.user;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserPreferencesTest {

    @Test
    void languageTagsMustBeWellFormedBcp47() {
        assertThat(UserPreferences.languageTag("en")).isEqualTo("en");
        assertThat(UserPreferences.languageTag("pt-BR")).isEqualTo("pt-BR");
        assertThat(UserPreferences.languageTag("PT-br")).isEqualTo("pt-BR");
        assertThat(UserPreferences.languageTag("zh-Hant-TW")).isEqualTo("zh-Hant-TW");
        assertThat(UserPreferences.languageTag("not a tag")).isNull();
        assertThat(UserPreferences.languageTag("en_US")).isNull();
        assertThat(UserPreferences.languageTag("")).isNull();
        assertThat(UserPreferences.languageTag(null)).isNull();
    }

    @Test
    void messagePoliciesFollowTheContractNumbers() {
        assertThat(MessagePolicy.ofNumber(0)).isEqualTo(MessagePolicy.EVERYONE);
        assertThat(MessagePolicy.ofNumber(2)).isEqualTo(MessagePolicy.FOLLOWING);
        assertThat(MessagePolicy.ofNumber(3)).isEqualTo(MessagePolicy.NOBODY);
        assertThat(MessagePolicy.ofNumber(7)).isNull();
        for (MessagePolicy policy : MessagePolicy.values()) {
            assertThat(social.nova.contracts.user.v1.MessagePolicy.forNumber(policy.number())
                            .name())
                    .isEqualTo("MESSAGE_POLICY_" + policy.name());
        }
    }
}
