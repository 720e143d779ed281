package support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** For assertions: the permissions of a file or folder, like {@code rwx------}. */
public final class Modes {

    private Modes() {
    }

    public static String of(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions());
    }
}
