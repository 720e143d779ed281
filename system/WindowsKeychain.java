package system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Windows' protection of a user's data (DPAPI, the scope of the current user), through PowerShell
 * (not tested here: no Windows). The script comes on stdin with the secret in it, so that no
 * argument holds it; the protected bytes, which only this user on this machine can read, are a file
 * in {@code %LOCALAPPDATA%\ocs-pkce-login\keychain}.
 */
final class WindowsKeychain implements Keychain {

    private final Path folder;
    private final Duration wait;

    WindowsKeychain(Path folder, Duration wait) {
        this.folder = folder;
        this.wait = wait;
    }

    @Override
    public String name() {
        return "Windows' data protection (DPAPI) in " + folder;
    }

    @Override
    public Optional<String> find(String account) throws Failure {
        Path file = folder.resolve(account + ".dpapi");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String protectedBytes = Files.readString(file).strip();
            String script = "Add-Type -AssemblyName System.Security\n[Console]::Out.Write([Convert]::ToBase64String("
                    + "[Security.Cryptography.ProtectedData]::Unprotect([Convert]::FromBase64String('" + protectedBytes + "'), $null,"
                    + " 'CurrentUser')))\n";
            return Optional.of(new String(Base64.getDecoder().decode(powershell(script).strip()), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "The protected secret in " + file + " cannot be read: " + Log.printable(e.getMessage(), 200));
        }
    }

    @Override
    public void store(String account, String label, String secret) throws Failure {
        String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        String script = "Add-Type -AssemblyName System.Security\n[Console]::Out.Write([Convert]::ToBase64String("
                + "[Security.Cryptography.ProtectedData]::Protect([Convert]::FromBase64String('" + encoded + "'), $null, 'CurrentUser')))\n";
        try {
            String protectedBytes = powershell(script).strip();
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(account + ".dpapi"), protectedBytes + "\n");
        } catch (IOException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "The secret could not be protected in " + folder + ": " + Log.printable(e.getMessage(), 200));
        }
    }

    @Override
    public void remove(String account) throws Failure {
        try {
            Files.deleteIfExists(folder.resolve(account + ".dpapi"));
        } catch (IOException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "The protected secret could not be removed from " + folder + ": " + e.getMessage());
        }
    }

    private String powershell(String script) throws Failure {
        try {
            ChildProcess.Result result = ChildProcess.run(List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", "-"),
                    script.getBytes(StandardCharsets.UTF_8), wait);
            if (result.exitCode() != 0) {
                throw new Failure(Failure.Kind.UNAVAILABLE, "PowerShell could not use DPAPI: " + Keychain.firstLine(result.stderr()));
            }
            return result.stdoutText();
        } catch (IOException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "PowerShell failed: " + Log.printable(e.getMessage(), 200));
        }
    }
}
