package support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A copy of this repository's files (what git tracks, and what is new and not ignored), as a user's checkout would be. */
public final class Checkout {

    private Checkout() {
    }

    public static Path copy(Path into) throws IOException {
        Files.createDirectories(into);
        Process listing = new ProcessBuilder("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z").start();
        String files = new String(listing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String file : files.split("\0")) {
            Path source = Path.of(file);
            if (file.isEmpty() || !Files.isRegularFile(source)) {
                continue; // deleted in the work tree
            }
            Path target = into.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
        return into;
    }
}
