package system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A folder only this user can change, opened once and then used only through what was opened.
 *
 * <p>The one rule for private places (the launcher, {@code ./jbang}, holds the same): the root and
 * everything in it belong to this user, are no symbolic links, and nobody else can write them; the
 * root's parent belongs to this user or root, and nobody else can write it unless it is sticky
 * (like {@code /tmp}). A place that breaks it is refused, naming the folder and what is wrong, as
 * OpenSSH's StrictModes does: whoever can write it could swap in their own folder, token or page.
 *
 * <p>Where the platform has a {@link SecureDirectoryStream} (Linux, macOS), the folder is held open:
 * each file is opened relative to it, without following links, so that no later lookup by name can
 * be sent elsewhere. Files are {@code 0600}, written atomically (a temporary file, then a rename).
 * On Windows, whose profile folders are private by their default ACLs, only owners are checked.
 */
public final class PrivateFolder implements AutoCloseable {

    /** Why a place must not be used: its path and what is wrong with it. */
    public static final class Unsafe extends IOException {
        Unsafe(String problem) {
            super(problem);
        }

        /**
         * The one line for a place that is not used: "{@code what} is not used: the problem. It must be
         * yours alone (...); or {@code instead}". Every private place says it this way.
         */
        public String refusing(String what, String instead) {
            return what + " is not used: " + getMessage() + ". It must be yours alone (only you own it and what is in it, and"
                    + " nobody else can write them: chmod 700 for a folder, 600 for a file); or " + instead;
        }
    }

    /** A file that is there, but not a regular file (a folder, a device): not one of ours. */
    public static final class NotAFile extends IOException {
        NotAFile(Path file) {
            super(file + " is not a regular file");
        }
    }

    /** What a file holds, and whether users other than this one could read it. */
    public record Contents(byte[] bytes, boolean readableByOthers) {
    }

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<Set<PosixFilePermission>> FOLDER_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> OTHERS_READ = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    private final Path path;
    /** The folder, held open; null where the platform has no secure directory streams. */
    private final SecureDirectoryStream<Path> directory;
    private final Owners owners;

    private PrivateFolder(Path path, SecureDirectoryStream<Path> directory, Owners owners) {
        this.path = path;
        this.directory = directory;
        this.owners = owners;
    }

    /**
     * Opens {@code root} and then each folder of {@code inside} in it, in turn, making those that
     * are missing ({@code 0700}), and checking the rule on each and on the root's parent.
     *
     * @throws Unsafe when a place breaks the rule
     */
    public static PrivateFolder open(Path root, String... inside) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new Unsafe(absolute + " is the root of a file system, not a folder of its own");
        }
        if (!Files.isDirectory(parent)) { // createDirectories would throw (and catch) for one that exists: 1.5 ms a run
            Files.createDirectories(parent);
        }
        Owners owners = Owners.of(absolute);
        DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent);
        if (!(parentStream instanceof SecureDirectoryStream<Path> secure)) {
            parentStream.close();
            return openByName(absolute, inside, owners);
        }
        SecureDirectoryStream<Path> current = secure;
        Path at = parent;
        try {
            PosixFileAttributes parentAttributes = attributes(secure);
            owners.checkParent(parent, parentAttributes, parentAttributes.fileKey());
            List<String> chain = new ArrayList<>();
            chain.add(absolute.getFileName().toString());
            chain.addAll(List.of(inside));
            for (String name : chain) {
                at = at.resolve(name);
                makeIfMissing(current, at, name);
                PosixFileAttributes before = current.getFileAttributeView(Path.of(name), PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                owners.checkPrivate(at, before, true);
                SecureDirectoryStream<Path> next = current.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
                PosixFileAttributes opened = attributes(next);
                current.close();
                current = next;
                if (!opened.fileKey().equals(before.fileKey())) {
                    throw new Unsafe(at + " was replaced while it was checked");
                }
                owners.checkPrivate(at, opened, true);
            }
            return new PrivateFolder(at, current, owners);
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    /** The same rule, by name: for platforms without secure directory streams. */
    private static PrivateFolder openByName(Path root, String[] inside, Owners owners) throws IOException {
        Path parent = root.getParent();
        if (POSIX) {
            owners.checkParent(parent, Files.readAttributes(parent, PosixFileAttributes.class), null);
        }
        Path at = root;
        List<String> chain = new ArrayList<>(List.of(inside));
        chain.add(0, null);
        for (String name : chain) {
            at = name == null ? root : at.resolve(name);
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    if (POSIX) {
                        Files.createDirectory(at, FOLDER_MODE);
                    } else {
                        Files.createDirectory(at);
                    }
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // made by another run meanwhile: checked below like any other
                }
            }
            if (Files.isSymbolicLink(at)) {
                throw new Unsafe(at + " is a symbolic link");
            }
            owners.checkPrivate(at, POSIX ? Files.readAttributes(at, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS) : null, true);
        }
        return new PrivateFolder(at, null, owners);
    }

    /**
     * Whether {@code file} may be trusted to say what this user's tool does, though it is no private
     * place (a {@code config.ini} found in the working folder): it belongs to this user or root and
     * nobody else can write it, and the same holds of its folder, unless that folder is sticky (like
     * {@code /tmp}, where nobody can replace another's file). Links are followed: the file they lead
     * to is checked. Where the platform has no POSIX modes, only owners are checked.
     *
     * @throws Unsafe when another user could have written it, or could replace it
     */
    public static void checkTrusted(Path file) throws IOException {
        Path real = file.toRealPath();
        Owners owners = Owners.of(real);
        Path folder = real.getParent();
        if (!POSIX) {
            UserPrincipal owner = Files.getOwner(real);
            if (!owner.equals(owners.me())) {
                throw new Unsafe(real + " belongs to " + owner.getName() + ", not to you");
            }
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(real, PosixFileAttributes.class);
        if (!attributes.owner().equals(owners.me()) && !attributes.owner().equals(owners.root())) {
            throw new Unsafe(real + " belongs to " + attributes.owner().getName() + ", not to you or root");
        }
        if (any(attributes, OTHERS_WRITE)) {
            throw new Unsafe(real + " can be written by other users (mode " + PosixFilePermissions.toString(attributes.permissions()) + ")");
        }
        if (folder != null) {
            owners.checkParent(folder, Files.readAttributes(folder, PosixFileAttributes.class), null);
        }
    }

    private static void makeIfMissing(SecureDirectoryStream<Path> in, Path at, String name) throws IOException {
        try {
            in.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        } catch (NoSuchFileException missing) {
            try {
                Files.createDirectory(at, FOLDER_MODE); // no mkdirat in Java; what is made is checked once opened
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made by another run meanwhile
            }
        }
    }

    private static PosixFileAttributes attributes(SecureDirectoryStream<Path> folder) throws IOException {
        return folder.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /** Whether {@code attributes} grant any of {@code permissions} (a set operation: no stream in a cache hit). */
    private static boolean any(PosixFileAttributes attributes, Set<PosixFilePermission> permissions) {
        return !java.util.Collections.disjoint(attributes.permissions(), permissions);
    }

    private static boolean isSticky(Path folder) throws IOException {
        return (((Integer) Files.getAttribute(folder, "unix:mode")) & 01000) != 0;
    }

    /** What went wrong with a file or folder, in words: "/x/.cache cannot be written", rather than the exception's name. */
    public static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return denied.getFile() + " cannot be written (is it read-only, or another user's?)";
        }
        if (e instanceof java.nio.file.FileSystemException failure && failure.getFile() != null) {
            return failure.getFile() + ": " + (failure.getReason() != null ? failure.getReason() : e.getClass().getSimpleName());
        }
        return String.valueOf(e.getMessage());
    }

    /** The folder's path: for messages, and for what must be handed to another program by name (the browser's page). */
    public Path path() {
        return path;
    }

    /**
     * The file {@code name}: at most {@code maxBytes} + 1 of its bytes, and whether other users could
     * read it; empty when there is none.
     *
     * @throws Unsafe    when it is a link, another user's, or others can write it
     * @throws NotAFile  when it is a folder or anything else but a regular file
     */
    public Optional<Contents> read(String name, int maxBytes) throws IOException {
        Optional<Found> found = fileAttributes(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PosixFileAttributes attributes = found.get().attributes();
        try (SeekableByteChannel channel = directory != null
                ? directory.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
                : Files.newByteChannel(path.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                InputStream in = Channels.newInputStream(channel)) {
            Optional<Found> after = fileAttributes(name);
            if (after.isEmpty() || attributes != null && !after.get().attributes().fileKey().equals(attributes.fileKey())) {
                throw new Unsafe(path.resolve(name) + " was replaced while it was read");
            }
            boolean others = attributes != null && any(attributes, OTHERS_READ);
            return Optional.of(new Contents(in.readNBytes(maxBytes + 1), others));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    /** A file that passed the checks, with its attributes (null on Windows). */
    private record Found(PosixFileAttributes attributes) {
    }

    /** The checked attributes of the file {@code name}; empty when there is no such file. */
    private Optional<Found> fileAttributes(String name) throws IOException {
        Path file = path.resolve(name);
        try {
            if (!POSIX) {
                owners.checkPrivate(file, null, false);
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NotAFile(file);
                }
                return Optional.of(new Found(null));
            }
            PosixFileAttributes attributes = directory != null
                    ? directory.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes()
                    : Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            owners.checkPrivate(file, attributes, false);
            if (!attributes.isRegularFile()) {
                throw new NotAFile(file);
            }
            return Optional.of(new Found(attributes));
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
    }

    /** Replaces the file {@code name} with {@code content}, atomically: a reader sees the old or the new, never half of one. */
    public void write(String name, byte[] content) throws IOException {
        String temporary = ".tmp-" + name + "-" + HexFormat.of().formatHex(randomBytes(6));
        try {
            try (SeekableByteChannel channel = create(temporary)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            if (directory != null) {
                directory.move(Path.of(temporary), directory, Path.of(name));
            } else {
                Files.move(path.resolve(temporary), path.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            delete(temporary);
        }
    }

    /** A new file with a name of its own ({@code prefix}, random, {@code suffix}) holding {@code content}; its path. */
    public Path writeNew(String prefix, String suffix, byte[] content) throws IOException {
        String name = prefix + HexFormat.of().formatHex(randomBytes(12)) + suffix;
        try (SeekableByteChannel channel = create(name)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        return path.resolve(name);
    }

    private SeekableByteChannel create(String name) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (directory != null) {
            return directory.newByteChannel(Path.of(name), options, FILE_MODE);
        }
        return POSIX ? Files.newByteChannel(path.resolve(name), options, FILE_MODE) : Files.newByteChannel(path.resolve(name), options);
    }

    /** The file {@code name} opened for a lock (created {@code 0600} when missing, never through a link). */
    public FileChannel lockFile(String name) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (directory != null && directory.newByteChannel(Path.of(name), options, FILE_MODE) instanceof FileChannel channel) {
            return channel;
        }
        return POSIX ? FileChannel.open(path.resolve(name), options, FILE_MODE) : FileChannel.open(path.resolve(name), options);
    }

    /** Deletes the file {@code name}; whether there was one. */
    public boolean delete(String name) throws IOException {
        try {
            if (directory != null) {
                directory.deleteFile(Path.of(name));
                return true;
            }
            return Files.deleteIfExists(path.resolve(name));
        } catch (NoSuchFileException missing) {
            return false;
        }
    }

    /** The names of the files in the folder. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> listing = directory != null
                ? directory.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS) : Files.newDirectoryStream(path)) {
            for (Path entry : listing) {
                names.add(entry.getFileName().toString());
            }
        }
        return names;
    }

    /** Since when the file {@code name} has been there (its last change); empty when it is gone. */
    public Optional<java.time.Instant> modified(String name) throws IOException {
        try {
            BasicFileAttributes attributes = directory != null
                    ? directory.getFileAttributeView(Path.of(name), java.nio.file.attribute.BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).readAttributes()
                    : Files.readAttributes(path.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(attributes.lastModifiedTime().toInstant());
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException ignored) {
                // nothing is left open
            }
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        Random.SOURCE.nextBytes(bytes);
        return bytes;
    }

    /** Made when a name is first needed: a cache hit writes nothing, and spares itself the security providers' start (about 10 ms). */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    /** Who may own what: this user everywhere, root too for the root's parent. */
    private record Owners(UserPrincipal me, java.nio.file.attribute.UserPrincipalLookupService lookup) {

        static Owners of(Path near) throws IOException {
            var lookup = near.getFileSystem().getUserPrincipalLookupService();
            if (!POSIX) {
                return new Owners(lookup.lookupPrincipalByName(System.getProperty("user.name")), lookup);
            }
            // Numbers, not names: an account without a passwd entry (a container) still has its uid.
            return new Owners(lookup.lookupPrincipalByName(Long.toString(uid())), lookup);
        }

        /** Root, looked up only when a parent is not this user's own. */
        private UserPrincipal root() throws IOException {
            return lookup.lookupPrincipalByName("0");
        }

        private static long uid() throws IOException {
            Path self = Path.of("/proc/self");
            if (Files.isDirectory(self)) {
                return ((Number) Files.getAttribute(self, "unix:uid")).longValue(); // Linux, without loading more
            }
            return new com.sun.security.auth.module.UnixSystem().getUid();
        }

        /**
         * The root's parent: this user's or root's, and nobody else can write it unless it is sticky.
         * The sticky bit is no POSIX attribute: it is read by name, only of a folder others can write,
         * and trusted only if the name still leads to the folder opened ({@code openedKey}, when one was).
         */
        void checkParent(Path parent, PosixFileAttributes attributes, Object openedKey) throws IOException {
            UserPrincipal owner = attributes.owner();
            if (!owner.equals(me) && !owner.equals(root())) {
                throw new Unsafe(parent + " belongs to " + owner.getName() + ", not to you or root");
            }
            if (any(attributes, OTHERS_WRITE) && !(isSticky(parent)
                    && (openedKey == null || openedKey.equals(Files.readAttributes(parent, BasicFileAttributes.class).fileKey())))) {
                throw new Unsafe(parent + " can be written by other users and is not sticky (mode "
                        + PosixFilePermissions.toString(attributes.permissions()) + ")");
            }
        }

        /** The root, a folder in it or a file: no link, this user's own, and nobody else can write it. */
        void checkPrivate(Path path, PosixFileAttributes attributes, boolean folder) throws IOException {
            if (attributes == null) { // Windows: the owner only
                UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
                if (me != null && !owner.equals(me)) {
                    throw new Unsafe(path + " belongs to " + owner.getName() + ", not to you");
                }
                return;
            }
            if (attributes.isSymbolicLink()) {
                throw new Unsafe(path + " is a symbolic link");
            }
            if (folder && !attributes.isDirectory()) {
                throw new Unsafe(path + " is not a folder");
            }
            if (!attributes.owner().equals(me)) {
                throw new Unsafe(path + " belongs to " + attributes.owner().getName() + ", not to you");
            }
            if (any(attributes, OTHERS_WRITE)) {
                throw new Unsafe(path + " can be written by other users (mode " + PosixFilePermissions.toString(attributes.permissions()) + ")");
            }
        }
    }
}
