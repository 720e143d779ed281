package support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium (or Chrome) for the end-to-end tests. Browser and driver are found on this
 * machine, or installed with apt-get on Debian/Ubuntu when running as root (CI); Selenium is always
 * given both paths, so it never tries to download anything.
 */
public final class Chromium implements AutoCloseable {

    private record Installation(Path browser, Path driver) {
    }

    private static Installation installation;

    private final Path profile;
    public final WebDriver driver;

    private Chromium(String... extraArguments) throws IOException {
        Installation found = installation();
        profile = Files.createTempDirectory("ocs-pkce-login-chromium-");
        Path home = Files.createDirectories(profile.resolve("home"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(found.browser().toFile());
        options.addArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--no-default-browser-check", "--user-data-dir=" + profile.resolve("profile"));
        if (isRoot()) {
            options.addArguments("--no-sandbox");
        }
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(found.driver().toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toString()))
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** A new browser with a fresh, empty profile: no cookies from an earlier login. */
    public static Chromium start(String... extraArguments) {
        try {
            return new Chromium(extraArguments);
        } catch (IOException e) {
            throw new IllegalStateException("Could not prepare a Chromium profile: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }

    private static synchronized Installation installation() {
        if (installation == null) {
            installation = find().orElseGet(() -> {
                installWithAptGet();
                return find().orElseThrow(() -> new IllegalStateException("apt-get ran, but Chromium or chromedriver is still missing"));
            });
        }
        return installation;
    }

    /** From CHROME_BIN / CHROMEDRIVER, the PATH, or the usual install locations. */
    private static Optional<Installation> find() {
        Optional<Path> browser = first(System.getenv("CHROME_BIN"), List.of("chromium", "chromium-browser", "google-chrome",
                "google-chrome-stable"), List.of("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/snap/bin/chromium",
                "/opt/google/chrome/chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium",
                "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"));
        Optional<Path> driver = first(System.getenv("CHROMEDRIVER"), List.of("chromedriver"),
                List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/snap/bin/chromium.chromedriver"));
        return browser.isPresent() && driver.isPresent() ? Optional.of(new Installation(browser.get(), driver.get())) : Optional.empty();
    }

    private static Optional<Path> first(String fromEnvironment, List<String> commands, List<String> paths) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(Path.of(fromEnvironment));
        }
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(folder -> !folder.isEmpty())
                .flatMap(folder -> commands.stream().map(command -> Path.of(folder, command)));
        return Stream.concat(onPath, paths.stream().map(Path::of)).filter(Files::isExecutable).findFirst();
    }

    private static void installWithAptGet() {
        if (!Files.exists(Path.of("/etc/debian_version")) || !isRoot()) {
            throw new IllegalStateException("The end-to-end tests need Chromium and its driver. Install them "
                    + "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver; macOS: brew install --cask chromium "
                    + "chromedriver), or set CHROME_BIN and CHROMEDRIVER to their paths.");
        }
        System.out.println("[chromium] Chromium or chromedriver is missing: installing chromium and chromium-driver with apt-get");
        run(List.of("apt-get", "update", "-q"));
        run(List.of("apt-get", "install", "-y", "-q", "chromium", "chromium-driver"));
    }

    private static void run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            int status = builder.start().waitFor();
            if (status != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + status);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e, e);
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
