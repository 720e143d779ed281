import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** For tests that sign in with headless Chromium on the local Keycloak: a fresh browser for each test. */
abstract class WithChromium {

    protected Chromium chromium;

    @BeforeEach
    void startBrowser() {
        TestKeycloak.get();
        chromium = Chromium.start();
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }
}
