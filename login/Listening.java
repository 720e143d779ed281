package login;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import system.Log;

/**
 * A {@link FrontChannel.Receiver} made of its parts (the redirect URI, the wait, how it stops), and
 * what the waits of both front channels share: an address printed for a person, who may open it
 * later than its pushed request lives, is renewed when it expires first.
 */
record Listening(URI redirectUri, Wait waiting, Runnable stop) implements FrontChannel.Receiver {

    /** Steps 3 and 4 of one front channel. */
    @FunctionalInterface
    interface Wait {
        String awaitCode(IdentityProvider provider, AuthorizationRequest request, FrontChannel.Addresses addresses, Duration timeout,
                Log log) throws LoginException;
    }

    /** Whether the authorization response came (or failed) within a time. */
    @FunctionalInterface
    interface Response {
        boolean within(Duration time) throws LoginException;
    }

    @Override
    public String awaitCode(IdentityProvider provider, AuthorizationRequest request, FrontChannel.Addresses addresses, Duration timeout,
            Log log) throws LoginException {
        return waiting.awaitCode(provider, request, addresses, timeout, log);
    }

    @Override
    public void close() {
        stop.run();
    }

    /**
     * Waits for {@code response} while {@code address} may be opened; each time its pushed request
     * expires first, a new address from {@code addresses} is printed (with {@code then}, what to do
     * after opening it). Returns when the response came, or when what is left before {@code deadline}
     * is shorter than an address lives: that last wait is the caller's, which says when time is up.
     *
     * @return the address printed last
     */
    static IdentityProvider.Address renewing(IdentityProvider.Address address, FrontChannel.Addresses addresses, long deadline,
            Response response, String then, Log log) throws LoginException {
        while (address.expiresIn().isPresent()) {
            Duration lifetime = address.expiresIn().get();
            if (deadline - System.nanoTime() <= lifetime.toNanos() || response.within(lifetime)) {
                return address;
            }
            address = addresses.next();
            log.info("The address above has expired (its pushed request lasts " + lifetime.toSeconds() + " s); open this one instead"
                    + Hints.lifetime(address) + then + ":");
            log.info(address.url().toString());
        }
        return address;
    }

    /** Whether {@code future} completes (or fails) within {@code time}; a wait interrupted is the login cancelled. */
    static boolean completes(CompletableFuture<?> future, Duration time, String whileWaiting) throws LoginException {
        try {
            future.get(time.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Exit.CANCELLED, "The login was cancelled while waiting for " + whileWaiting);
        }
    }
}
