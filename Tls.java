import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * TLS for the calls to the provider, made only when the first https connection needs it: Java's
 * default context reads the whole trust store (about 100 ms), which a provider on plain-http
 * loopback (the demo, the tests, the benchmark) never uses.
 */
final class Tls {

    private Tls() {
    }

    /** An {@link SSLContext} that builds {@code real} on first use, and from then on is it. */
    static SSLContext lazy(Supplier<SSLContext> real) {
        return new SSLContext(new LazySpi(real), null, "TLS") {
        };
    }

    /** Java's default context: its default trust store (cacerts, or javax.net.ssl.trustStore). */
    static SSLContext javaDefault() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has TLS", e);
        }
    }

    /** Every operation of the context, passed on to the real one, which is made the first time. */
    private static final class LazySpi extends SSLContextSpi {
        private final Supplier<SSLContext> factory;
        private volatile SSLContext real;

        LazySpi(Supplier<SSLContext> factory) {
            this.factory = factory;
        }

        private SSLContext real() {
            SSLContext context = real;
            if (context == null) {
                synchronized (this) {
                    if (real == null) {
                        real = factory.get();
                    }
                    context = real;
                }
            }
            return context;
        }

        @Override
        protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("a lazy context is initialised by its factory");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return real().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return real().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return real().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real().getSupportedSSLParameters();
        }
    }
}
