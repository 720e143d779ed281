package system;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
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
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the calls to the provider: Java's own trust, plus the certificates of {@code --ca-file}
 * (a company or private CA) besides it, never in place of it. Made only when the first https
 * connection needs it: reading the trust store takes about 100 ms, which a provider on plain-http
 * loopback (the demo, the tests, the benchmark) never needs.
 */
final class Tls {

    private Tls() {
    }

    /** An {@link SSLContext} that builds {@code real} on first use, and from then on is it. */
    static SSLContext lazy(Supplier<SSLContext> real) {
        return new SSLContext(new LazySpi(real), null, "TLS") {
        };
    }

    /** Java's default trust, and {@code extra} besides; just Java's default context when there is none. */
    static SSLContext trusting(List<X509Certificate> extra) {
        if (extra.isEmpty()) {
            return javaDefault();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(extra), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The trust store with --ca-file could not be made: " + e, e);
        }
    }

    /** Trust managers for every CA of Java's default trust store, and for {@code extra}. */
    static TrustManager[] trustManagers(List<X509Certificate> extra) {
        try {
            TrustManagerFactory javaTrust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            javaTrust.init((KeyStore) null);
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int number = 0;
            for (TrustManager manager : javaTrust.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate certificate : x509.getAcceptedIssuers()) {
                        anchors.setCertificateEntry("java-" + number++, certificate);
                    }
                }
            }
            for (X509Certificate certificate : extra) {
                anchors.setCertificateEntry("ca-file-" + number++, certificate);
            }
            TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            both.init(anchors);
            return both.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("The trust store with --ca-file could not be made: " + e, e);
        }
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
