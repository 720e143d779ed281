import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * Files that only this user may read or write: folders {@code 0700}, files {@code 0600}, written
 * atomically (a temporary file, then a rename). A folder or file that another user owns or can
 * write is refused, since whoever can write it can put words (or tokens) in our mouth.
 *
 * <p>On file systems without POSIX permissions (Windows) the user's own profile folders are
 * private by their default ACLs, and only the owner is checked.
 */
final class PrivateFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** {@code $XDG_CACHE_HOME/ocs-pkce-login} ({@code ~/.cache/ocs-pkce-login}), or {@code %LOCALAPPDATA%\ocs-pkce-login} on Windows. */
    static Path cacheHome() {
        String base = Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).filter(path -> !path.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("LOCALAPPDATA")).filter(path -> !path.isBlank()))
                .orElse(System.getProperty("user.home") + "/.cache");
        return Path.of(base, "ocs-pkce-login");
    }

    /**
     * Creates {@code folder} (and its parents) when missing, the folder itself {@code 0700}; and
     * checks that it is this user's own and that no other user can write it.
     *
     * @return why it must not be used, or empty when it is fine
     */
    static Optional<String> privateFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.toAbsolutePath().getParent());
            try {
                if (POSIX) {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
                } else {
                    Files.createDirectory(folder);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another run made it at the same moment; it is checked below like any other
            }
        }
        return problem(folder, true);
    }

    /** Why {@code file} must not be read (another user owns or can write it, or it is a link); empty when it is fine. */
    static Optional<String> problemWithFile(Path file) throws IOException {
        return problem(file, false);
    }

    private static Optional<String> problem(Path path, boolean folder) throws IOException {
        if (Files.isSymbolicLink(path) && !folder) {
            return Optional.of(path + " is a symbolic link");
        }
        UserPrincipal me = currentUser(path);
        UserPrincipal owner = Files.getOwner(path, folder ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS});
        if (me != null && !owner.equals(me)) {
            return Optional.of(path + " belongs to " + owner.getName() + ", not to " + me.getName());
        }
        if (POSIX) {
            Set<PosixFilePermission> permissions = Files.readAttributes(path, PosixFileAttributes.class).permissions();
            if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of(path + " can be written by other users (mode " + PosixFilePermissions.toString(permissions) + ")");
            }
        }
        return Optional.empty();
    }

    /** The user this process runs as, as the file system names owners; null where it cannot tell. */
    private static UserPrincipal currentUser(Path near) throws IOException {
        try {
            return near.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Writes {@code content} to {@code file} atomically: into a {@code 0600} temporary file in the
     * same folder, then renamed over {@code file}, so that a reader sees the old or the new content,
     * never half of one.
     */
    static void write(Path file, byte[] content) throws IOException {
        Path temporary = newFile(file.getParent(), ".tmp-", "");
        try {
            Files.write(temporary, content);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A new {@code 0600} file in {@code folder}, for content that lives as long as one run. */
    static Path newFile(Path folder, String prefix, String suffix) throws IOException {
        return POSIX
                ? Files.createTempFile(folder, prefix, suffix, PosixFilePermissions.asFileAttribute(FILE))
                : Files.createTempFile(folder, prefix, suffix);
    }

    /** {@code file} opened for writing, created {@code 0600} when missing; never through a symbolic link. For lock files. */
    static FileChannel openForLock(Path file) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        return POSIX ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE)) : FileChannel.open(file, options);
    }

    /** For tests and messages: the permissions of {@code path}, like {@code rwx------}. */
    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getFileAttributeView(path, PosixFileAttributeView.class).readAttributes().permissions());
    }
}
