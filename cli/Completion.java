package cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --completion bash|zsh}: a completion script for {@code ocs-login}, made from the options'
 * one table ({@link Arguments#options}), so that it never lists an option the tool does not have.
 */
final class Completion {

    enum Shell { BASH, ZSH }

    private Completion() {
    }

    static String script(Shell shell) {
        return shell == Shell.BASH ? bash() : zsh();
    }

    /** What can follow an option whose value is {@code argument}: files, folders, words, or nothing to suggest. */
    private enum Value { NONE, FILE, FOLDER, WORDS, PROFILE }

    /** The names of the [profile NAME] sections of ./config.ini and the user's config.ini, by sed: no JVM while one types. */
    private static final String PROFILES = "sed -n 's/^[[:space:]]*\\[[Pp]rofile[[:space:]][[:space:]]*\\([^]]*\\)\\].*/\\1/p' config.ini"
            + " \"${XDG_CONFIG_HOME:-$HOME/.config}/ocs-pkce-login/config.ini\" 2>/dev/null";

    private static Value valueOf(String argument) {
        if (argument == null) {
            return Value.NONE;
        }
        return switch (argument) {
            case "FILE", "PEM" -> Value.FILE;
            case "DIR" -> Value.FOLDER;
            case "FORMAT", "SHELL", "STORE", "METHOD" -> Value.WORDS;
            case "NAME" -> Value.PROFILE;
            default -> Value.NONE;
        };
    }

    private static String words(String argument) {
        return switch (argument) {
            case "FORMAT" -> "token header json";
            case "METHOD" -> "GET POST PUT PATCH DELETE";
            case "STORE" -> "file keychain";
            default -> "bash zsh";
        };
    }

    private static List<String> names(Arguments.Described option) {
        List<String> names = new ArrayList<>();
        if (option.shortName() != null) {
            names.add("-" + option.shortName());
        }
        names.add("--" + option.name());
        return names;
    }

    private static String bash() {
        StringBuilder cases = new StringBuilder();
        List<String> all = new ArrayList<>();
        List<String> free = new ArrayList<>();
        for (Arguments.Described option : Arguments.options()) {
            all.addAll(names(option));
            if (option.argument() == null) {
                continue;
            }
            String pattern = String.join(" | ", names(option));
            switch (valueOf(option.argument())) {
                case FILE -> cases.append("    ").append(pattern).append(") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n");
                case FOLDER -> cases.append("    ").append(pattern).append(") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n");
                case WORDS -> cases.append("    ").append(pattern).append(") COMPREPLY=($(compgen -W \"")
                        .append(words(option.argument())).append("\" -- \"$cur\")); return ;;\n");
                case PROFILE -> cases.append("    ").append(pattern).append(") COMPREPLY=($(compgen -W \"$(").append(PROFILES)
                        .append(")\" -- \"$cur\")); return ;;\n");
                case NONE -> free.addAll(names(option));
            }
        }
        cases.append("    ").append(String.join(" | ", free)).append(") COMPREPLY=(); return ;; # a value of your own\n");
        all.addAll(List.of("exec", "api"));
        return "# bash completion for ocs-login (ocs-pkce-login), made by: ocs-login --completion bash\n"
                + "# Load it with: source <(ocs-login --completion bash), e.g. in ~/.bashrc\n"
                + "_ocs_login() {\n"
                + "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                + "  case $prev in\n" + cases
                + "  esac\n"
                + "  COMPREPLY=($(compgen -W \"" + String.join(" ", all) + "\" -- \"$cur\"))\n"
                + "}\n"
                + "complete -F _ocs_login ocs-login\n";
    }

    private static String zsh() {
        String specs = Arguments.options().stream().map(option -> {
            String help = "[" + option.help().replace("\\", "\\\\").replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]")
                    .replace(":", "\\:") + "]";
            String value = option.argument() == null ? "" : ":" + option.argument().replace(":", "\\:") + ":" + switch (valueOf(option.argument())) {
                case FILE -> "_files";
                case FOLDER -> "_files -/";
                case WORDS -> "(" + words(option.argument()) + ")";
                case PROFILE -> "{compadd -- ${(f)\"$(" + PROFILES.replace("'", "'\\''") + ")\"}";
                case NONE -> " ";
            };
            List<String> names = names(option);
            String spec = names.size() == 1 ? "'" + names.get(0) + help + value + "'"
                    : "'(" + String.join(" ", names) + ")'{" + String.join(",", names) + "}'" + help + value + "'";
            return "  " + spec;
        }).collect(Collectors.joining(" \\\n"));
        return "#compdef ocs-login\n"
                + "# zsh completion for ocs-login (ocs-pkce-login), made by: ocs-login --completion zsh\n"
                + "# Install it with: ocs-login --completion zsh > \"${fpath[1]}/_ocs-login\" (then start a new shell)\n"
                + "_arguments \\\n" + specs + "\n";
    }
}
