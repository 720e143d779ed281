package system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which program opens the browser, with which words and which form of the page's address (issue 28), without a browser. */
class BrowserLauncherTest {

    @TempDir
    Path folder;

    private static final BrowserLauncher.Programs NONE = name -> Optional.empty();

    private Path program(String relative) throws Exception {
        Path program = folder.resolve(relative);
        Files.createDirectories(program.getParent());
        Files.writeString(program, "#!/bin/sh\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return program;
    }

    @Test
    void browserIsReadAsAShellReadsWordsWithoutRunningOne() throws Exception {
        assertEquals(List.of("/opt/My Browser/bin/browser", "--new-window", "%s"),
                BrowserLauncher.words("\"/opt/My Browser/bin/browser\" --new-window %s", NONE));
        assertEquals(List.of("/opt/My Browser/browser", "--profile", "Work Profile", "a\"b", "$HOME"),
                BrowserLauncher.words("'/opt/My Browser/browser' --profile 'Work Profile' \"a\\\"b\" '$HOME'", NONE));
        assertEquals(List.of("/opt/My Browser/browser", "x"), BrowserLauncher.words("/opt/My\\ Browser/browser   x ", NONE));
        assertEquals(List.of("firefox", "-new-tab"), BrowserLauncher.words("firefox -new-tab", NONE));
        Path spaced = program("Program Files/Google/Chrome/Application/chrome.exe");
        assertEquals(List.of(spaced.toString()), BrowserLauncher.words(spaced.toString(), NONE),
                "unquoted, a whole value that names a program is that program");
        assertEquals(List.of("/nowhere/Program", "Files/chrome.exe"), BrowserLauncher.words("/nowhere/Program Files/chrome.exe", NONE),
                "one that names nothing is words, as a shell would split it");
    }

    @Test
    void inWslWindowsDefaultBrowserOpensTheWindowsPathOfThePage() throws Exception {
        BrowserLauncher withWslview = BrowserLauncher.choose(BrowserLauncher.Platform.WSL, Optional.empty(), Map.of(),
                name -> name.equals("wslview") ? Optional.of(Path.of("/usr/bin/wslview")) : Optional.empty());
        assertEquals(List.of("wslview", "%s"), withWslview.words());
        assertEquals(BrowserLauncher.Address.WINDOWS_PATH, withWslview.address());
        BrowserLauncher withCmd = BrowserLauncher.choose(BrowserLauncher.Platform.WSL, Optional.empty(), Map.of(), NONE);
        assertEquals(List.of("cmd.exe", "/c", "start", "", "%s"), withCmd.words());
        assertEquals(BrowserLauncher.Address.WINDOWS_PATH, withCmd.address());
        Path chrome = program("mnt/c/Program Files/Google/Chrome/Application/chrome.exe");
        BrowserLauncher configured = BrowserLauncher.choose(BrowserLauncher.Platform.WSL, Optional.of(chrome.toString()), Map.of(), NONE);
        assertEquals(List.of(chrome.toString(), "%s"), configured.words());
        assertEquals(BrowserLauncher.Address.WINDOWS_PATH, configured.address(), "a Windows program gets a Windows path");
        assertEquals(BrowserLauncher.Address.FILE_URI, BrowserLauncher.choose(BrowserLauncher.Platform.WSL, Optional.of("firefox"), Map.of(),
                NONE).address(), "a Linux browser in WSL (WSLg) gets the file's URI");
    }

    @Test
    void eachPlatformHasItsOwnWayAndLinuxNeedsADisplay() throws Exception {
        assertEquals(List.of("rundll32", "url.dll,FileProtocolHandler", "%s"),
                BrowserLauncher.choose(BrowserLauncher.Platform.WINDOWS, Optional.empty(), Map.of(), NONE).words());
        assertEquals(List.of("open", "%s"), BrowserLauncher.choose(BrowserLauncher.Platform.MAC, Optional.empty(), Map.of(), NONE).words());
        assertEquals(List.of("xdg-open", "%s"), BrowserLauncher.choose(BrowserLauncher.Platform.LINUX, Optional.empty(),
                Map.of("WAYLAND_DISPLAY", "wayland-0"), NONE).words());
        assertThrows(java.io.IOException.class, () -> BrowserLauncher.choose(BrowserLauncher.Platform.LINUX, Optional.empty(), Map.of(), NONE));
        assertEquals(BrowserLauncher.Platform.WSL, BrowserLauncher.Platform.of(Map.of("WSL_DISTRO_NAME", "Ubuntu")));
    }

    @Test
    void aWindowsPathBecomesTheFileUriWindowsTakes() {
        assertEquals("file:///C:/Users/Jane%20Doe/AppData/Local/ocs-pkce-login/launch/login-1.html",
                BrowserLauncher.windowsFileUri("C:\\Users\\Jane Doe\\AppData\\Local\\ocs-pkce-login\\launch\\login-1.html"));
        assertEquals("file://wsl.localhost/Ubuntu/home/jane/.cache/ocs-pkce-login/launch/login-1.html",
                BrowserLauncher.windowsFileUri("\\\\wsl.localhost\\Ubuntu\\home\\jane\\.cache\\ocs-pkce-login\\launch\\login-1.html"));
    }

    @Test
    void windowsFoldersComeFromAppDataAndLocalAppData() {
        UserFolders windows = new UserFolders(Map.of("APPDATA", "/users/jane/AppData/Roaming", "LOCALAPPDATA", "/users/jane/AppData/Local"));
        assertEquals(Path.of("/users/jane/AppData/Local/ocs-pkce-login"), windows.cacheRoot());
        assertEquals(Path.of("/users/jane/AppData/Roaming/ocs-pkce-login"), windows.configFolder());
        assertEquals(Path.of("/x/ocs-pkce-login"), new UserFolders(Map.of("XDG_CACHE_HOME", "/x", "LOCALAPPDATA", "/y")).cacheRoot(),
                "XDG's first, where both are set (Git Bash, MSYS)");
    }
}
