package cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean ...?": the closest of the known words to a mistyped one, when it is close enough (Commons Text). */
final class Suggestions {

    private Suggestions() {
    }

    /** The known word closest to {@code typed} (case aside), within a third of its length (at least 2 edits). */
    static Optional<String> closest(String typed, Collection<String> known) {
        String word = typed.toLowerCase(Locale.ROOT);
        LevenshteinDistance distance = new LevenshteinDistance(Math.max(2, word.length() / 3));
        return known.stream()
                .filter(candidate -> distance.apply(word, candidate.toLowerCase(Locale.ROOT)) >= 0)
                .min(Comparator.comparingInt(candidate -> distance.apply(word, candidate.toLowerCase(Locale.ROOT))));
    }
}
