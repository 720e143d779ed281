///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS commons-cli:commons-cli:1.11.0
//DEPS org.apache.commons:commons-text:1.15.0
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//DEPS com.nimbusds:nimbus-jose-jwt:10.10
//DEPS com.google.crypto.tink:tink:1.18.0
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//DEPS org.seleniumhq.selenium:selenium-java:4.52.0
//SOURCES OcsPkceLogin.java
//SOURCES test/support/BrowserCommand.java test/support/CacheEntries.java test/support/Checkout.java test/support/Chromium.java
//SOURCES test/support/Cli.java test/support/CliProcess.java test/support/IdTokens.java test/support/ListeningSockets.java
//SOURCES test/support/Modes.java test/support/OtherUser.java test/support/Queries.java test/support/RawHttp.java
//SOURCES test/support/ScriptedProvider.java test/support/SignIn.java test/support/TestCertificates.java
//SOURCES test/support/TestKeycloak.java test/support/TestKeyring.java test/support/TestOidcProvider.java
//SOURCES test/support/Threads.java test/support/WithChromium.java
//SOURCES test/unit/ApiRequestTest.java test/unit/ArgumentsTest.java test/unit/BrowserLauncherTest.java test/unit/AuthorizationRequestTest.java test/unit/AuthorizationResponseTest.java
//SOURCES test/unit/IdTokenValidatorTest.java test/unit/LayersTest.java test/unit/LogTest.java test/unit/LoginConfigTest.java test/unit/PasteBackTest.java
//SOURCES test/unit/PkceUtilTest.java test/unit/ProxiesTest.java test/unit/ReadmeTest.java test/unit/SourcesTest.java
//SOURCES test/unit/TokenCacheTest.java
//SOURCES test/local/AnotherLocalUserTest.java test/local/ApiTest.java test/local/CallbackServerTest.java test/local/DeviceFlowTest.java
//SOURCES test/local/FaultyProviderTest.java test/local/HeadlessTest.java test/local/HybridClientTest.java test/local/LauncherTest.java
//SOURCES test/local/MachineAndStatusTest.java test/local/ProviderBehaviourTest.java test/local/StricterProvidersTest.java test/local/WslTest.java
//SOURCES test/e2e/CacheEndToEndTest.java test/e2e/CommandLineProcessTest.java test/e2e/DemoTest.java
//SOURCES test/e2e/DeviceAndPasteTest.java test/e2e/EndToEndTest.java test/e2e/ForwardProxy.java test/e2e/HostileCallbackTest.java
//SOURCES test/e2e/HostileClient.java test/e2e/KeychainTest.java test/e2e/KeycloakHybridClientTest.java
//SOURCES test/e2e/MachineLoginTest.java test/e2e/OcsLikeProviderTest.java test/e2e/OidcProviderTest.java test/e2e/SlowFlood.java
//SOURCES test/e2e/TlsAndProxyTest.java test/e2e/UsingTheTokenTest.java

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import support.TestKeycloak;
import support.TestOidcProvider;

/**
 * Runs the tests of ocs-pkce-login, suite by suite, each suite a folder of {@code test/} by what its
 * tests need: {@code unit} (no sockets, no other process), {@code local} (servers on loopback of
 * their own, the launcher, a second local user), {@code e2e} (the local Keycloak and Chromium).
 * {@code test/support/} holds the helpers they share. Run it from the repository folder:
 *
 * <pre>jbang OcsPkceLoginTest.java [unit|local|e2e|CLASS-NAME-REGEX...]</pre>
 *
 * <p>Without arguments every suite runs. The last line is {@code N passed, N failed}; the exit code
 * is 1 when a test failed, was skipped (a skipped test proves nothing), or none ran.
 */
public final class OcsPkceLoginTest {

    /** The suites, in the order they run: the fast ones first. */
    static final List<String> SUITES = List.of("unit", "local", "e2e");

    public static void main(String... args) throws Exception {
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        if (!Path.of("OcsPkceLogin.java").toFile().isFile()) {
            System.err.println("Run the tests from the repository folder (where OcsPkceLogin.java is).");
            System.exit(1);
        }
        List<String> patterns = new ArrayList<>();
        boolean keycloak = args.length == 0;
        for (String arg : args.length == 0 ? SUITES.toArray(String[]::new) : args) {
            if (SUITES.contains(arg)) {
                patterns.addAll(classesOf(arg));
                keycloak |= arg.equals("e2e");
            } else {
                patterns.add(inAnyPackage(arg));
            }
        }
        if (keycloak) {
            TestKeycloak.startInBackground(); // booting while the faster suites run; otherwise a test that needs it starts it
        }

        Path tests = Path.of(OcsPkceLoginTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(java.util.Set.of(tests)))
                .filters(ClassNameFilter.includeClassNamePatterns(patterns.toArray(String[]::new)))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            LauncherFactory.create().execute(request, new Progress(System.out), summary);
        } finally {
            TestKeycloak.stop();
            TestOidcProvider.stop();
        }
        TestExecutionSummary result = summary.getSummary();
        result.printFailuresTo(new PrintWriter(System.out, true), 25);
        // A skipped or aborted test proves nothing, and a failing container (e.g. a @BeforeAll) fails its tests.
        long failed = result.getTotalFailureCount() + result.getTestsSkippedCount() + result.getTestsAbortedCount()
                + result.getContainersSkippedCount() + result.getContainersAbortedCount();
        long passed = result.getTestsSucceededCount();
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }

    /** The test classes of a suite, as patterns of their full names: the files of its folder whose names end in Test. */
    static List<String> classesOf(String suite) throws java.io.IOException {
        try (var files = Files.list(Path.of("test", suite))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith("Test.java"))
                    .map(name -> inAnyPackage(name.substring(0, name.length() - ".java".length()))).sorted().toList();
        }
    }

    /** A pattern of a class's simple name (or a regular expression of it), in whichever package the class is. */
    static String inAnyPackage(String simpleName) {
        return "(.+\\.)?" + simpleName;
    }
    /** Prints one line per test as it ends. */
    private static final class Progress implements TestExecutionListener {
        private final PrintStream out;

        Progress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            out.println("Running " + plan.countTestIdentifiers(TestIdentifier::isTest) + " tests");
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            out.println("SKIP " + name(test) + ": skipped tests count as failed: " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                if (test.isTest()) {
                    out.println("PASS " + name(test));
                }
                return;
            }
            out.println((result.getStatus() == TestExecutionResult.Status.ABORTED ? "ABORTED " : "FAIL ") + name(test) + ": "
                    + result.getThrowable().map(String::valueOf).orElse(""));
        }

        private static String name(TestIdentifier test) {
            return test.getSource().map(source -> source instanceof MethodSource method
                            ? method.getClassName() + "." + method.getMethodName()
                            : source instanceof ClassSource type ? type.getClassName() : test.getDisplayName())
                    .orElse(test.getDisplayName());
        }
    }
}
