///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//DEPS com.nimbusds:nimbus-jose-jwt:10.10
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//DEPS org.seleniumhq.selenium:selenium-java:4.52.0
//SOURCES OcsPkceLogin.java
//SOURCES test/*.java

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        Results results = new Results(System.out);
        try {
            LauncherFactory.create().execute(request, results);
        } finally {
            TestKeycloak.stop();
        }
        results.printFailures();
        System.out.println(results.passed + " passed, " + results.failed + " failed");
        System.exit(results.failed.get() == 0 && results.passed.get() > 0 ? 0 : 1);
    }

    /** Prints one line per test as it ends, and counts. */
    private static final class Results implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final List<String> failures = new ArrayList<>();
        private final PrintStream out;

        Results(PrintStream out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            out.println("Running " + plan.countTestIdentifiers(TestIdentifier::isTest) + " tests");
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest() || test.isContainer()) {
                failed.incrementAndGet();
                report("SKIP", test, "skipped tests count as failed: " + reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passed.incrementAndGet();
                out.println("PASS " + name(test));
                return;
            }
            failed.incrementAndGet();
            Throwable cause = result.getThrowable().orElse(null);
            report(result.getStatus() == TestExecutionResult.Status.ABORTED ? "ABORTED" : "FAIL", test, String.valueOf(cause));
            if (cause != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                cause.printStackTrace(new java.io.PrintWriter(trace));
                failures.add(name(test) + "\n" + trace);
            }
        }

        private void report(String status, TestIdentifier test, String why) {
            out.println(status + " " + name(test) + ": " + why);
        }

        void printFailures() {
            failures.forEach(failure -> out.println("\n--- " + failure));
        }

        private static String name(TestIdentifier test) {
            return test.getSource().map(source -> source instanceof MethodSource method
                            ? method.getClassName() + "." + method.getMethodName()
                            : source instanceof ClassSource type ? type.getClassName() : test.getDisplayName())
                    .orElse(test.getDisplayName());
        }
    }
}
