package system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code --ca-file} ({@code CaFile}, {@code OCS_LOGIN_CA_FILE}): the PEM certificates of a company or private CA. */
final class CaFile {

    private CaFile() {
    }

    /** Real CA bundles are well under this (Debian's ca-certificates.crt, every public CA: about 220 KiB). */
    static final int MAX_CA_FILE_BYTES = 8 * 1024 * 1024;

    /**
     * The certificates of a PEM file ({@code -----BEGIN CERTIFICATE-----} blocks), at least one: a
     * regular file of at most {@link #MAX_CA_FILE_BYTES}, read in one buffered pass.
     */
    static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        if (!Files.isRegularFile(file)) { // a FIFO would block, /dev/zero would never end
            throw new IOException("it is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_CA_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_CA_FILE_BYTES) {
            throw new IOException("it is larger than " + MAX_CA_FILE_BYTES / (1024 * 1024) + " MiB, more than any CA bundle");
        }
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new CertificateException("it holds no certificate");
            }
            return certificates;
        }
    }

    /** The certificates of --ca-file (CaFile), read now so that a bad file is a config error, not a TLS one. */
    static List<X509Certificate> certificates(Optional<Path> caFile) throws HttpFailure {
        if (caFile.isEmpty()) {
            return List.of();
        }
        try {
            return readCertificates(caFile.get());
        } catch (IOException | CertificateException e) {
            throw new HttpFailure(HttpFailure.Kind.SETTING, "The CA file " + caFile.get() + " cannot be used: "
                    + Log.printable(e.getMessage(), 160) + " (expected PEM certificates, -----BEGIN CERTIFICATE-----)", e);
        }
    }

}
