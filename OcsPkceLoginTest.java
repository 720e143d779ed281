///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
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
//SOURCES test/*.java

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
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

/**
 * Runs every test of ocs-pkce-login (the classes in {@code test/} whose names end in {@code Test}):
 * unit tests, the callback server over real HTTP, faulty providers, and the end-to-end logins with
 * Chromium and a local Keycloak. Run it from the repository folder:
 *
 * <pre>jbang OcsPkceLoginTest.java [CLASS-NAME-REGEX...]</pre>
 *
 * <p>The last line is {@code N passed, N failed}; the exit code is 1 when a test failed, was skipped
 * (a skipped test proves nothing), or none ran.
 */
public final class OcsPkceLoginTest {

    public static void main(String... args) throws URISyntaxException {
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        if (!Path.of("OcsPkceLogin.java").toFile().isFile()) {
            System.err.println("Run the tests from the repository folder (where OcsPkceLogin.java is).");
            System.exit(1);
        }
        if (args.length == 0) {
            TestKeycloak.startInBackground(); // booting while the unit tests run; a filtered run starts it when a test needs it
        }

        Path tests = Path.of(OcsPkceLoginTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(java.util.Set.of(tests)))
                .filters(ClassNameFilter.includeClassNamePatterns(args.length == 0 ? new String[] {".*Test"} : args))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            LauncherFactory.create().execute(request, new Progress(System.out), summary);
        } finally {
            TestKeycloak.stop();
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
