package support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** For tests that sign in with headless Chromium on the local Keycloak: a fresh browser for each test. */
public abstract class WithChromium {

    protected Chromium chromium;

    @BeforeEach
    public void startBrowser() {
        TestKeycloak.get();
        chromium = Chromium.start();
    }

    @AfterEach
    public void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }
}
