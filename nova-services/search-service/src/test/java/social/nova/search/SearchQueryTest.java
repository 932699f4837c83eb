package social.nova.search;

import java.util.List;

import org.junit.jupiter.api.Test;
import social.nova.errors.FieldViolation;
import social.nova.errors.Violations;

import static org.assertj.core.api.Assertions.assertThat;

class SearchQueryTest {

    @Test
    void wordsAreSplitOnEverythingButLettersAndDigitsAndLowerCased() {
        assertThat(parse("  Crème   brûl ").words()).containsExactly("crème", "brûl");
        assertThat(parse("c_ab12-cd.e@x").words()).containsExactly("c", "ab12", "cd", "e", "x");
        assertThat(parse("ÉCOLE").words()).containsExactly("école");
    }

    @Test
    void decomposedAccentsStayInTheirWord() {
        assertThat(parse("cre\u0300me").words()).containsExactly("crème");
        assertThat(parse("हिन्दी").words()).containsExactly("हिन्दी");
    }

    @Test
    void everyWordIsAQuotedLexemeAndOnlyTheLastIsAPrefix() {
        assertThat(parse("creme brul").tsquery()).isEqualTo("'creme' & 'brul':*");
        assertThat(parse("alice").tsquery()).isEqualTo("'alice':*");
    }

    @Test
    void operatorsAndQuotesAreSeparatorsNeverSyntax() {
        SearchQuery query = parse("a&b|c !(d):* 'e' \\f <-> g");
        assertThat(query.words()).containsExactly("a", "b", "c", "d", "e", "f", "g");
        assertThat(query.tsquery()).isEqualTo("'a' & 'b' & 'c' & 'd' & 'e' & 'f' & 'g':*");
        assertThat(query.tsquery().replaceAll("'[\\p{L}\\p{N}\\p{M}]+'(:\\*)?", ""))
                .matches("( & )*");
    }

    @Test
    void emptyBlankTooLongAndWordlessQueriesAreViolationsOfQuery() {
        for (String text : List.of("", "   \t\n", "x".repeat(101), "&&&|||", "!():*'", "___ --- ...")) {
            assertThat(violations(text)).as(text).containsExactly("query");
        }
        assertThat(violations(null)).containsExactly("query");
    }

    @Test
    void oneHundredCharactersAfterTrimmingAreAccepted() {
        assertThat(parse("  " + "é".repeat(100) + "  ").words()).containsExactly("é".repeat(100));
        assertThat(parse("🙂".repeat(99) + "a").words()).containsExactly("a");
    }

    private static SearchQuery parse(String text) {
        Violations violations = new Violations();
        SearchQuery query = SearchQuery.parse(text, violations);
        assertThat(violations.list()).isEmpty();
        return query;
    }

    private static List<String> violations(String text) {
        Violations violations = new Violations();
        assertThat(SearchQuery.parse(text, violations)).isNull();
        return violations.list().stream().map(FieldViolation::field).toList();
    }
}
