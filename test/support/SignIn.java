package support;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a person does on the provider's sign-in pages, for Selenium. Each step waits a bounded time
 * for its element and otherwise fails with a message saying which page was not as expected.
 */
public interface SignIn {

    public void signIn(WebDriver driver, String username, String password);

    /** Keycloak's login form. */
    SignIn KEYCLOAK = (driver, username, password) -> {
        type(driver, "Keycloak login", By.id("username"), username, Duration.ofSeconds(10));
        type(driver, "Keycloak login", By.id("password"), password, Duration.ofSeconds(2));
        click(driver, "Keycloak login", By.id("kc-login"), Duration.ofSeconds(2));
    };

    /**
     * OCS, as the seed's Selenium test signed in: "Personal Account", then the Microsoft account's
     * username, then its password, then (when asked) "stay signed in".
     */
    SignIn OCS = (driver, username, password) -> {
        String page = "OCS sign-in";
        click(driver, page, By.xpath("//a[@title='Personal Account']"), Duration.ofSeconds(10));
        type(driver, page, By.id("i0116"), username, Duration.ofSeconds(10));
        click(driver, page, By.id("idSIButton9"), Duration.ofSeconds(5));
        type(driver, page, By.id("i0118"), password, Duration.ofSeconds(10));
        click(driver, page, By.id("idSIButton9"), Duration.ofSeconds(5));
        try {
            click(driver, page, By.id("idSIButton9"), Duration.ofSeconds(3)); // "Stay signed in?" when it is asked
        } catch (IllegalStateException notAsked) {
            // the redirect already happened
        }
    };

    /**
     * Keycloak's device verification: the user code (unless the page has it already, from
     * verification_uri_complete), the login form, and the grant of access when it is asked for.
     */
    public static void keycloakDevice(WebDriver driver, String userCode, String username, String password) {
        if (userCode != null) {
            type(driver, "Keycloak device", By.id("device_user_code"), userCode, Duration.ofSeconds(10));
            click(driver, "Keycloak device", By.id("kc-login"), Duration.ofSeconds(2));
        }
        KEYCLOAK.signIn(driver, username, password);
        try {
            click(driver, "Keycloak device grant", By.id("kc-login"), Duration.ofSeconds(5)); // "Yes", when consent is asked
        } catch (IllegalStateException notAsked) {
            // granted without asking
        }
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.getPageSource().contains("Device Login Successful")
                || d.getPageSource().contains("device login successful") || d.getPageSource().contains("successful"));
    }

    /**
     * oidc-provider's development sign-in (any login and password), then its consent page when it asks;
     * whether it asked.
     */
    public static boolean oidcProvider(WebDriver driver, String login) {
        type(driver, "oidc-provider sign-in", By.name("login"), login, Duration.ofSeconds(10));
        type(driver, "oidc-provider sign-in", By.name("password"), "any-password", Duration.ofSeconds(2));
        click(driver, "oidc-provider sign-in", By.cssSelector("button[type=submit]"), Duration.ofSeconds(2));
        try {
            new WebDriverWait(driver, Duration.ofSeconds(5))
                    .until(d -> d.getPageSource().contains("Authorize") || d.getCurrentUrl().startsWith("http://localhost:5004"));
            if (!driver.getCurrentUrl().startsWith("http://localhost:5004")) {
                click(driver, "oidc-provider consent", By.cssSelector("button[type=submit]"), Duration.ofSeconds(5));
                return true;
            }
        } catch (TimeoutException noConsentAsked) {
            // on to the redirect URI
        }
        return false;
    }

    /** Waits until the browser shows our redirect URI's page (the click that leads there may return first). */
    public static String awaitCallbackPage(WebDriver driver, String redirectUri) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().startsWith(redirectUri)
                    && d.getPageSource().contains("</h1>"));
            return driver.getPageSource();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the browser did not reach " + redirectUri + " within 10 s; it shows "
                    + driver.getCurrentUrl());
        }
    }

    public static void type(WebDriver driver, String page, By field, String text, Duration wait) {
        WebElement element = await(driver, page, field, wait);
        element.clear();
        element.sendKeys(text);
    }

    public static void click(WebDriver driver, String page, By button, Duration wait) {
        await(driver, page, button, wait).click();
    }

    private static WebElement await(WebDriver driver, String page, By element, Duration wait) {
        try {
            return new WebDriverWait(driver, wait).until(ExpectedConditions.elementToBeClickable(element));
        } catch (TimeoutException e) {
            throw new IllegalStateException(page + ": no " + element + " within " + wait.toSeconds() + " s on "
                    + driver.getCurrentUrl() + " (title '" + driver.getTitle() + "'); is this the expected sign-in page?");
        }
    }
}
