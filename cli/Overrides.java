package cli;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The settings given on the command line, which take precedence over the environment and the file. */
record Overrides(Map<Setting, String> values) {

    static final Overrides NONE = new Overrides(Map.of());

    String get(Setting setting) {
        return values.get(setting);
    }

    /** These overrides, with {@code setting} given {@code value} as well. */
    Overrides with(Setting setting, String value) {
        Map<Setting, String> more = new EnumMap<>(Setting.class);
        more.putAll(values);
        more.put(setting, value);
        return new Overrides(Collections.unmodifiableMap(more));
    }
}
